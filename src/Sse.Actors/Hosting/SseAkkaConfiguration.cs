using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.DistributedData;
using Akka.Hosting;
using Akka.Logger.Serilog;
using Akka.Persistence.Sql.Hosting;
using Akka.Remote.Hosting;
using Microsoft.Extensions.Hosting;
using Sse.Actors.Broker;
using Sse.Actors.Diagnostics;
using Sse.Actors.Serialization;
using Sse.Actors.History;
using Sse.Actors.Streams;
using Sse.Actors.Settings;
using Sse.Actors.Tickets;

namespace Sse.Actors.Hosting;

/// <summary>The broker's actors on an <see cref="AkkaConfigurationBuilder"/>: cluster, shard regions, node broker.</summary>
public static class SseAkkaConfiguration
{
    public const string ActorSystemName = "sse";
    public const string HoconFileName = "akka.hocon";

    /// <summary>
    /// Adds remoting and clustering (a node with no seed nodes forms a one-node cluster with
    /// itself, so embedded and clustered run the same code), the stream shard regions (user, topic, broadcast),
    /// the wire serializer and the node's <see cref="BrokerActor"/>; the node's address becomes the
    /// <c>node</c> tag of the <paramref name="metrics"/>.
    /// </summary>
    public static AkkaConfigurationBuilder WithSseBroker(this AkkaConfigurationBuilder builder, SseOptions options, SseMetrics metrics)
    {
        var hoconFile = Path.Combine(AppContext.BaseDirectory, HoconFileName);
        if (File.Exists(hoconFile))
        {
            builder.AddHoconFile(hoconFile, HoconAddMode.Append);
        }
        return builder
            .ConfigureLoggers(loggers =>
            {
                loggers.ClearLoggers();
                loggers.AddSerilogLogging();
            })
            .WithSseCluster(options.Cluster, options.ShardCount)
            .AddHocon(
                $$"""
                {{PublishReceipts.MaxPendingPath}} = {{options.Limits.MaxPendingPublishes}}
                {{FanOut.FanOutWorkers.PartitionsPath}} = {{options.FanOutPartitions}}
                {{BrokerMailbox.ConfigPath}} {
                  mailbox-type = "{{typeof(BrokerMailbox).AssemblyQualifiedName}}"
                  capacity = {{options.Limits.MaxBrokerBacklog}}
                }
                """,
                HoconAddMode.Prepend)
            // A hand-off bucket's key is an Akka.DistributedData key too, whose serializer knows only Akka's own: its exact type wins.
            .WithCustomSerializer("sse-wire", [typeof(ISseWireMessage), typeof(HandoverBucketKey)], system => new SseWireSerializer(system))
            .WithSseHistoryStore(options)
            .WithSseEntities(options, metrics)
            .WithTicketRegion(options.ShardCount)
            .WithDistributedPubSub(role: "")
            .WithActors((system, registry) =>
            {
                var cluster = Cluster.Get(system);
                if (cluster.Settings.SeedNodes.Count == 0)
                {
                    cluster.Join(cluster.SelfAddress);
                }
                metrics.BindNode(cluster.SelfAddress.ToString());
                // The replicator starts with the node, not with its first entity: a hand-off written to all nodes reaches a node that just joined.
                HistoryReplicator(system, options);
                var regions = new StreamRegions(registry.Get<UserStreams>(), registry.Get<TopicStreams>(), registry.Get<BroadcastStream>());
                var broker = system.ActorOf(BrokerActor.Props(options.BrokerSettings(), regions, metrics).WithMailbox(BrokerMailbox.ConfigPath), BrokerActor.Name);
                registry.Register<BrokerActor>(broker);
                var receipts = PublishReceipts.For(system);
                metrics.ObserveNode(() => receipts.Pending, () => ((Akka.Actor.ActorRefWithCell)broker).Underlying.NumberOfMessages);
                var activeStreams = ActiveStreams.For(system);
                metrics.ObserveStreams(() => activeStreams.Users, () => activeStreams.Topics);
            });
    }

    private static AkkaConfigurationBuilder WithSseCluster(this AkkaConfigurationBuilder builder, SseClusterOptions cluster, int shardCount) => builder
        .WithRemoting(RemoteOptions(cluster))
        .WithClustering(new ClusterOptions { SeedNodes = cluster.SeedNodes, Roles = [ShardCountCheck.RoleFor(shardCount)] })
        .WithActors((system, _, resolver) => system.ActorOf(ShardCountCheck.Props(resolver.GetService<IHostApplicationLifetime>()), "sse-shard-count-check"))
        .AddHocon(
            $$"""
            akka.cluster.failure-detector.acceptable-heartbeat-pause = {{(long)cluster.FailureDetectionPause.TotalMilliseconds}}ms
            akka.cluster.split-brain-resolver.stable-after = {{(long)cluster.DownUnreachableAfter.TotalMilliseconds}}ms
            """,
            HoconAddMode.Prepend);

    private static RemoteOptions RemoteOptions(SseClusterOptions cluster)
    {
        var remote = new RemoteOptions
        {
            HostName = cluster.Hostname,
            Port = cluster.Port,
            PublicHostName = cluster.PublicHostname,
            PublicPort = cluster.PublicPort,
        };
        if (cluster.Tls.Enabled)
        {
            var certificate = cluster.Tls.LoadCertificate();
            remote.EnableSsl = true;
            remote.Ssl = new SslOptions
            {
                X509Certificate = certificate,
                // Both ends present a certificate and check the other's: a stranger can neither connect nor be connected to.
                RequireMutualAuthentication = true,
                CustomValidator = ClusterTls.PeerValidator(certificate, cluster.Tls),
            };
        }
        return remote;
    }

    private static AkkaConfigurationBuilder WithSseEntities(this AkkaConfigurationBuilder builder, SseOptions options, SseMetrics metrics)
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
                    RemoteReplayLimit(system), IsHistoryDurable(options), HistoryReplicator(system, options), options.Limits.MaxStreamBacklog, metrics);
                return entityId => StreamEntity.Props(StreamKey.Of(kind, entityId), settings);
            },
            new StreamMessageExtractor(options.ShardCount), shardOptions);

    // A replay to another node is one message: as large as the remote frame allows (akka.hocon ships 4 MiB).
    private static long RemoteReplayLimit(Akka.Actor.ActorSystem system) =>
        HistoryRing.RemoteReplayLimit(system.Settings.Config.GetByteSize("akka.remote.dot-netty.tcp.maximum-frame-size", 128_000) ?? 128_000);

    /// <summary>
    /// With a durable history store, Akka.Persistence.Sql as the default journal: the tables are created
    /// at first use. Nothing else in the broker persists; sharding keeps its state in distributed data.
    /// </summary>
    private static AkkaConfigurationBuilder WithSseHistoryStore(this AkkaConfigurationBuilder builder, SseOptions options)
    {
        if (!IsHistoryDurable(options))
        {
            return builder;
        }
        var store = options.HistoryStore;
        var connectionString = store.EffectiveConnectionString;
        if (store.Provider == SseHistoryStore.Sqlite)
        {
            SqliteHistoryFile.Prepare(connectionString);
        }
        return builder.WithSqlPersistence(connectionString,
            store.Provider == SseHistoryStore.Sqlite ? LinqToDB.ProviderName.SQLiteMS : LinqToDB.ProviderName.PostgreSQL15,
            autoInitialize: true);
    }

    private static bool IsHistoryDurable(SseOptions options) => options.HistorySize > 0 && options.HistoryStore.Provider != SseHistoryStore.Memory;

    // Only with history in memory is there anything to hand over; otherwise no replicator is started.
    private static Akka.Actor.IActorRef? HistoryReplicator(Akka.Actor.ActorSystem system, SseOptions options) =>
        options.HistorySize > 0 && !IsHistoryDurable(options) ? DistributedData.Get(system).Replicator : null;
}
