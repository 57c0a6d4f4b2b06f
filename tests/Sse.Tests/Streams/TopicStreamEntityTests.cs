using Sse.Actors.Streams;

namespace Sse.Tests.Streams;

[Trait("Category", TestCategories.Unit)]
public sealed class TopicStreamEntityTests : StreamEntitySpec
{
    protected override StreamKey Stream { get; } = StreamKey.Topic.For(Guid.NewGuid().ToString(), "news/sport");
}
