using Sse.Actors.Streams;

namespace Sse.Tests.Streams;

public sealed class TopicStreamEntityTests : StreamEntitySpec
{
    protected override StreamKey Stream { get; } = StreamKey.Topic.For(Guid.NewGuid().ToString(), "news/sport");
}
