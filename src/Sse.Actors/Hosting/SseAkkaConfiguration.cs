using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sse.Actors.Broker;
using Sse.Actors.Clustering;
using Sse.Actors.Diagnostics;
using Sse.Actors.Delivery;
using Sse.Actors.History;
using Sse.Actors.Mailboxes;
using Sse.Actors.Serialization;
using Sse.Actors.Settings;
using Sse.Actors.Streams;
using Sse.Actors.Tickets;

namespace Sse.Actors.Hosting;

/// <summary>
/// The broker on an <see cref="AkkaConfigurationBuilder"/>: its tuned defaults, then each part of it in order, each added by
/// the <c>With…</c> extension at the end of its own file; and the node of <c>AddSseBroker</c>.
/// </summary>
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
        // The actors start in this order.
        return builder
            .AddHocon(Defaults, HoconAddMode.Append)
            .WithLeanMailbox()
            .WithSseWireSerializer()
            .WithHistoryJournal(options)
            // Before the regions: every publish waits on the receipts, and every event goes through the node's deliveries.
            .WithPublishReceipts(options.PublishReceiptsSettings())
            .WithNodeDeliveries(options, metrics)
            .WithStreamRegions(options, metrics)
            .WithTicketRegion(options.ShardCount)
            .WithDistributedPubSub(role: "")
            .WithShardCountCheck(options.ShardCount)
            .WithHistoryReplicator(options)
            .WithNodeMetrics(metrics)
            .WithBrokerActor(options, metrics);
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
}
