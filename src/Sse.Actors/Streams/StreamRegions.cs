using Akka.Actor;
using Akka.Cluster.Sharding;

namespace Sse.Actors.Streams;

/// <summary>
/// The shard regions of the stream entities, one per kind of stream (<c>sse-user</c>, <c>sse-topic</c>,
/// <c>sse-broadcast</c>), each running <see cref="StreamEntity"/>: the user and topic entities of the
/// design, and the home of the kept broadcasts.
/// </summary>
public sealed record StreamRegions(IActorRef Users, IActorRef Topics, IActorRef Broadcasts)
{
    /// <summary>The region that holds <paramref name="stream"/>'s entity.</summary>
    public IActorRef For(StreamKey stream) => stream switch
    {
        StreamKey.User => Users,
        StreamKey.Topic => Topics,
        _ => Broadcasts,
    };

    /// <summary>The name of the shard region of the streams of <paramref name="kind"/>.</summary>
    public static string NameOf(string kind) => $"sse-{kind}";
}

/// <summary>The user streams' shard region in the actor registry: <c>IRequiredActor&lt;UserStreams&gt;</c>.</summary>
public sealed class UserStreams
{
    private UserStreams()
    {
    }
}

/// <summary>The topic streams' shard region in the actor registry.</summary>
public sealed class TopicStreams
{
    private TopicStreams()
    {
    }
}

/// <summary>The broadcasts' shard region in the actor registry.</summary>
public sealed class BroadcastStream
{
    private BroadcastStream()
    {
    }
}

/// <summary>Routes every stream message, of any region, to the entity its key names.</summary>
internal sealed class StreamMessageExtractor(int maxNumberOfShards) : HashCodeMessageExtractor(maxNumberOfShards)
{
    public override string? EntityId(object message) => message is IStreamMessage m ? m.Stream.EntityId : null;
}
