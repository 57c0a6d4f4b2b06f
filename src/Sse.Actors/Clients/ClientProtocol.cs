using Akka.Actor;
using Sse.Actors.Streams;

namespace Sse.Actors.Clients;

/// <summary>What a <see cref="ClientActor"/> is told. All local: a client lives where its request is.</summary>
public static class ClientProtocol
{
    /// <summary>The HTTP request ended (the browser went away); stop and unsubscribe.</summary>
    public sealed record Disconnect : INoSerializationVerificationNeeded
    {
        public static readonly Disconnect Instance = new();
    }

    /// <summary>The server ends the stream (shutdown): send a <c>close</c> event, then end.</summary>
    public sealed record Close(TimeSpan Grace) : INoSerializationVerificationNeeded;

    /// <summary>Told to the broker by a client that dropped itself because its buffer was full.</summary>
    public sealed record SlowConsumerDropped(Guid ClientId, string UserId) : INoSerializationVerificationNeeded;

    /// <summary>
    /// The node's broker ticks each connection once per <c>HeartbeatInterval</c>: it checks its writes (stalled ones are
    /// cut) and its token (an expired one closes the stream), then writes a heartbeat once live.
    /// </summary>
    internal sealed record Tick : INoSerializationVerificationNeeded
    {
        public static readonly Tick Instance = new();
    }

    /// <summary>Subscribe the pending streams again: every <c>SubscribeRetryInterval</c> while one is pending, and from the node's broker once a member was removed.</summary>
    internal sealed record RetrySubscriptions : INoSerializationVerificationNeeded
    {
        public static readonly RetrySubscriptions Instance = new();
    }

    /// <summary>The connection's buffer has room again for what a replay could not write at once.</summary>
    internal sealed record BufferHasRoom : INoSerializationVerificationNeeded
    {
        public static readonly BufferHasRoom Instance = new();
    }

    /// <summary>The node's broker shed live events of <paramref name="Stream"/>: catch up from its history, or write a reset.</summary>
    internal sealed record CatchUp(StreamKey Stream) : INoSerializationVerificationNeeded;
}
