using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Sse.Actors.Diagnostics;
using Sse.Actors.History;
using Sse.Actors.Mailboxes;
using Sse.Actors.Settings;

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

internal static class StreamRegionsConfiguration
{
    /// <summary>Adds the shard regions of the user, topic and broadcast streams, each of <see cref="StreamEntity"/>s on the lean mailbox.</summary>
    public static AkkaConfigurationBuilder WithStreamRegions(this AkkaConfigurationBuilder builder, SseOptions options, SseMetrics metrics)
    {
        // Entities passivate themselves when empty; idle passivation would drop live subscribers.
        // A moved entity gets StopForHandOff, so that it leaves its history to its next incarnation.
        var shardOptions = new ShardOptions
        {
            StateStoreMode = StateStoreMode.DData,
            RememberEntities = false,
            ShouldPassivateIdleEntities = false,
            HandOffStopMessage = StopForHandOff.Instance,
        };
        return builder
            .WithStreamRegion<UserStreams>(StreamKey.User.KindName, options, metrics, shardOptions)
            .WithStreamRegion<TopicStreams>(StreamKey.Topic.KindName, options, metrics, shardOptions)
            .WithStreamRegion<BroadcastStream>(StreamKey.Broadcasts.KindName, options, metrics, shardOptions);
    }

    /// <summary>One shard region of <see cref="StreamEntity"/>s: every kind of stream runs the same entity.</summary>
    private static AkkaConfigurationBuilder WithStreamRegion<TRegion>(this AkkaConfigurationBuilder builder, string kind, SseOptions options, SseMetrics metrics,
        ShardOptions shardOptions) =>
        builder.WithShardRegion<TRegion>(StreamRegions.NameOf(kind), (system, _) =>
            {
                var settings = new StreamEntitySettings(options.EmptyEntityPassivation, options.HistorySize, options.HistoryRetention,
                    RemoteReplayLimit(system), options.HistoryIsDurable(), options.HistoryReplicator(system), options.Limits.MaxStreamBacklog, metrics,
                    HandoverTimeouts.Of(options.HistoryStore));
                return entityId => LeanMailbox.For(StreamEntity.Props(StreamKey.Of(kind, entityId), settings), system);
            },
            new StreamMessageExtractor(options.ShardCount), shardOptions);

    // A replay to another node is one message: as large as the remote frame allows (4 MiB by default).
    private static long RemoteReplayLimit(ActorSystem system) =>
        HistoryRing.RemoteReplayLimit(system.Settings.Config.GetByteSize("akka.remote.dot-netty.tcp.maximum-frame-size", 128_000) ?? 128_000);
}
