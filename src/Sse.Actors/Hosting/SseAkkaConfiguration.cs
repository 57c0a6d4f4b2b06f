using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using Akka.DistributedData;
using Akka.Hosting;
using Akka.Persistence.Sql.Hosting;
using Akka.Remote.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sse.Actors.Broker;
using Sse.Actors.Diagnostics;
using Sse.Actors.Delivery;
using Sse.Actors.Serialization;
using Sse.Actors.History;
using Sse.Actors.Mailboxes;
using Sse.Actors.Streams;
using Sse.Actors.Settings;
using Sse.Actors.Tickets;

namespace Sse.Actors.Hosting;

/// <summary>The broker on an <see cref="AkkaConfigurationBuilder"/>: its tuned defaults, shard regions and node broker; and the node of <c>AddSseBroker</c>.</summary>
public static partial class SseAkkaConfiguration
{
    /// <summary>Overrides of <see cref="Defaults"/> that <c>AddSseBroker</c> reads from the application's base directory, when there.</summary>
    public const string HoconFileName = "akka.hocon";

    /// <summary>
    /// Adds the broker to an actor system that the app configures with its own <c>AddAkka</c>: its <see cref="Defaults"/>
    /// (under the app's settings), the wire serializer, the stream shard regions (user, topic, broadcast), the ticket
    /// region, distributed pub-sub and the node's <see cref="BrokerActor"/>. Call it after <c>WithClustering</c> (and
    /// <c>WithRemoting</c>): the app's cluster is the broker's, configured once, and the app decides how its nodes join.
    /// Needs the broker's services (<c>AddSseBrokerServices</c>), whose options and metrics it takes from <paramref name="services"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">Clustering is not configured yet, the broker's services are missing, or it is added twice.</exception>
    public static AkkaConfigurationBuilder WithSseBroker(this AkkaConfigurationBuilder builder, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (builder.ActorRefProvider is not { HasValue: true, Value: ProviderSelection.Cluster })
        {
            throw new InvalidOperationException(
                "WithSseBroker needs Akka.Cluster: the broker's streams are sharded entities. Call .WithRemoting(...) and .WithClustering(...) " +
                "before .WithSseBroker(services) in AddAkka (or let AddSseBroker start an actor system for the broker).");
        }
        var placement = services.GetService<SseBrokerPlacement>() ?? throw new InvalidOperationException(
            "WithSseBroker needs the broker's services: call builder.Services.AddSseBrokerServices(builder.Configuration) as well.");
        placement.AddedTo(builder);
        var options = services.GetRequiredService<IOptions<SseOptions>>().Value;
        var metrics = services.GetRequiredService<SseMetrics>();
        var shardCountRole = ShardCountCheck.RoleFor(options.ShardCount);
        return builder
            .AddHocon(Defaults, HoconAddMode.Append)
            .WithRole(shardCountRole)
            .AddHocon($"{LeanMailbox.Hocon}\n{DeliveryMailbox.Hocon(options.Limits.MaxBrokerBacklog)}", HoconAddMode.Prepend)
            // A hand-off bucket's key is an Akka.DistributedData key too, whose serializer knows only Akka's own: its exact type wins.
            .WithCustomSerializer("sse-wire", [typeof(ISseWireMessage), typeof(HandoverBucketKey)], system => new SseWireSerializer(system))
            .WithSseHistoryStore(options)
            // Before the regions: every publish waits on the receipts, and every event goes through the node's deliveries.
            .WithActors((system, _) =>
            {
                PublishReceipts.Start(system, options.PublishReceiptsSettings());
                FanOutWorkers.Start(system, options.FanOutSettings());
                NodeDeliveries.Start(system, options.DeliverySettings(metrics));
            })
            .WithSseEntities(options, metrics)
            .WithTicketRegion(options.ShardCount)
            .WithDistributedPubSub(role: "")
            .WithActors((system, registry, resolver) =>
            {
                var cluster = Cluster.Get(system);
                if (!cluster.SelfRoles.Contains(shardCountRole))
                {
                    throw new InvalidOperationException(
                        $"This node lacks the cluster role {shardCountRole} that WithSseBroker adds: akka.cluster.roles was set again after it. Call WithSseBroker after WithClustering.");
                }
                system.ActorOf(ShardCountCheck.Props(resolver.GetService<IHostApplicationLifetime>()), "sse-shard-count-check");
                metrics.BindNode(cluster.SelfAddress.ToString());
                // The replicator starts with the node, not with its first entity: a hand-off written to all nodes reaches a node that just joined.
                HistoryReplicator(system, options);
                var regions = new StreamRegions(registry.Get<UserStreams>(), registry.Get<TopicStreams>(), registry.Get<BroadcastStream>());
                var broker = system.ActorOf(BrokerActor.Props(options.BrokerSettings(), regions, metrics), BrokerActor.Name);
                registry.Register<BrokerActor>(broker);
                var receipts = PublishReceipts.For(system);
                var deliveries = NodeDeliveries.Of(system);
                metrics.ObserveNode(() => receipts.Pending, deliveries.Backlog);
                var activeStreams = ActiveStreams.For(system);
                metrics.ObserveStreams(() => activeStreams.Users, () => activeStreams.Topics);
            });
    }

    /// <summary>
    /// The actor system of <c>AddSseBroker</c>: Akka.NET logs to the app's logger factory, by source; <see cref="HoconFileName"/>
    /// overrides the <see cref="Defaults"/>; remoting and clustering come from <c>Sse:Cluster</c> (seed nodes, or cluster bootstrap;
    /// a node with neither forms a one-node cluster with itself, so embedded and clustered run the same code); then the broker.
    /// </summary>
    internal static AkkaConfigurationBuilder WithSseNode(this AkkaConfigurationBuilder builder, IServiceProvider services)
    {
        services.GetRequiredService<SseBrokerPlacement>().OnOwnNode = true;
        var options = services.GetRequiredService<IOptions<SseOptions>>().Value;
        var hoconFile = Path.Combine(AppContext.BaseDirectory, HoconFileName);
        if (File.Exists(hoconFile))
        {
            // Appended before the defaults, so it wins over them, and under everything prepended from options.
            builder.AddHoconFile(hoconFile, HoconAddMode.Append);
        }
        var loggerFactory = services.GetRequiredService<ILoggerFactory>();
        return builder
            .ConfigureLoggers(loggers =>
            {
                loggers.LogLevel = AkkaLogForwarder.LevelFor(loggerFactory);
                loggers.ClearLoggers();
                loggers.AddLogger<AkkaLogForwarder>();
            })
            .AddHocon(Defaults, HoconAddMode.Append)
            .WithSseCluster(options, services.GetRequiredService<ClusterCertificate>())
            .WithSseBroker(services);
    }

    private static AkkaConfigurationBuilder WithSseCluster(this AkkaConfigurationBuilder builder, SseOptions options, ClusterCertificate certificate)
    {
        var cluster = options.Cluster;
        builder
            .WithRemoting(RemoteOptions(cluster, certificate))
            .WithClustering(new ClusterOptions { SeedNodes = cluster.SeedNodes });
        if (cluster.Bootstrap.Enabled)
        {
            // Bootstrap decides whom to join (validation keeps seed nodes out): no self-join here.
            builder.WithSseBootstrap(cluster, options.ActorSystemName);
        }
        else
        {
            builder.WithActors((system, _) =>
            {
                var self = Cluster.Get(system);
                if (self.Settings.SeedNodes.Count == 0)
                {
                    self.Join(self.SelfAddress);
                }
            });
        }
        return builder.AddHocon(
            $$"""
            akka.cluster.failure-detector.acceptable-heartbeat-pause = {{(long)cluster.FailureDetectionPause.TotalMilliseconds}}ms
            akka.cluster.split-brain-resolver.stable-after = {{(long)cluster.DownUnreachableAfter.TotalMilliseconds}}ms
            """,
            HoconAddMode.Prepend);
    }

    /// <summary>Adds a cluster role to those configured so far (the app's own stay).</summary>
    private static AkkaConfigurationBuilder WithRole(this AkkaConfigurationBuilder builder, string role)
    {
        var roles = builder.Configuration.HasValue ? builder.Configuration.Value.GetStringList("akka.cluster.roles", []) : [];
        return roles.Contains(role)
            ? builder
            : builder.AddHocon($"akka.cluster.roles = [{string.Join(", ", roles.Append(role).Select(r => r.ToHocon()))}]", HoconAddMode.Prepend);
    }

    private static RemoteOptions RemoteOptions(SseClusterOptions cluster, ClusterCertificate own)
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
            var certificate = own.Certificate;
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
                return entityId => LeanMailbox.For(StreamEntity.Props(StreamKey.Of(kind, entityId), settings), system);
            },
            new StreamMessageExtractor(options.ShardCount), shardOptions);

    // A replay to another node is one message: as large as the remote frame allows (4 MiB by default).
    private static long RemoteReplayLimit(ActorSystem system) =>
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
    private static IActorRef? HistoryReplicator(ActorSystem system, SseOptions options) =>
        options.HistorySize > 0 && !IsHistoryDurable(options) ? DistributedData.Get(system).Replicator : null;
}
