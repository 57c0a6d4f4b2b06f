using System.Diagnostics;
using System.Diagnostics.Metrics;
using Akka.Hosting;
using Sse.Actors.Streams;

namespace Sse.Actors.Diagnostics;

/// <summary>
/// The broker's instruments, on one <see cref="Meter"/> named <see cref="MeterName"/> and made by
/// the host's <see cref="IMeterFactory"/>. Names are the Prometheus ones without the suffixes the
/// exporter appends: the counter <c>sse_messages_sent</c> is scraped as <c>sse_messages_sent_total</c>,
/// the histogram <c>sse_delivery_latency</c> (seconds) as <c>sse_delivery_latency_seconds</c>.
/// Every measurement carries the node's cluster address as the tag <c>node</c>.
/// </summary>
public sealed partial class SseMetrics
{
    public const string MeterName = "Sse.Broker";

    private const string NodeTag = "node";
    private const string ReasonTag = "reason";
    private const string TargetTag = "target";
    private const string ShedAtTag = "at";
    private const string KindTag = "kind";
    private static readonly double SecondsPerTimestampTick = 1.0 / Stopwatch.Frequency;

    // From half a millisecond (one node, idle) to ten seconds (a connection barely keeping up).
    private static readonly double[] LatencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly UpDownCounter<long> _activeConnections;
    private readonly Counter<long> _connects;
    private readonly Counter<long> _disconnects;
    private readonly Counter<long> _refusedConnections;
    private readonly Counter<long> _slowConsumerDisconnects;
    private readonly Counter<long> _published;
    private readonly Counter<long> _sent;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _sendErrors;
    private readonly Histogram<double> _deliveryLatency;
    private readonly Counter<long> _shed;
    private readonly UpDownCounter<long> _entities;
    private readonly Counter<long> _resubscribes;

    // Read on each collection: set once the actor system runs.
    private volatile Func<long>? _pendingPublishes;
    private volatile Func<long>? _brokerBacklog;
    private volatile Func<long>? _onlineUsers;
    private volatile Func<long>? _activeTopics;
    // The deepest stream entity backlog since the last collection.
    private long _streamBacklogPeak;

    // Set once, when the actor system has its address and before any connection or send is possible.
    private volatile string _node = "";

    public SseMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _activeConnections = meter.CreateUpDownCounter<long>("sse_active_connections", "{connection}", "Event streams open on this node.");
        _connects = meter.CreateCounter<long>("sse_client_connect", "{connection}", "Event streams accepted by this node.");
        _disconnects = meter.CreateCounter<long>("sse_client_disconnect", "{connection}", "Event streams that ended on this node, for any reason.");
        _refusedConnections = meter.CreateCounter<long>("sse_client_refused", "{connection}", "Stream requests refused before any stream byte, by reason.");
        _slowConsumerDisconnects = meter.CreateCounter<long>("sse_slow_consumer_disconnects", "{connection}",
            "Event streams disconnected because their buffer was full.");
        _published = meter.CreateCounter<long>("sse_messages_published", "{message}", "Events accepted for sending on this node, by target.");
        _sent = meter.CreateCounter<long>("sse_messages_sent", "{message}", "Published events written and flushed to a connection on this node.");
        _dropped = meter.CreateCounter<long>("sse_messages_dropped", "{message}",
            "Published events addressed to a connection on this node that were never written to it.");
        _sendErrors = meter.CreateCounter<long>("sse_send_errors", "{request}", "Send requests refused by the send endpoint, by reason.");
        _deliveryLatency = meter.CreateHistogram<double>("sse_delivery_latency", "s",
            "From a publish accepted on this node (or its arrival from another node) to its write flushed to a connection.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _shed = meter.CreateCounter<long>("sse_events_shed", "{message}",
            "Publishes a stream entity dropped past Sse:Limits:MaxStreamBacklog (at=stream; refused to their publisher), and live events the node's broker shed past Sse:Limits:MaxBrokerBacklog (at=broker; their connections catch up).");
        _entities = meter.CreateUpDownCounter<long>("sse_stream_entities", "{entity}",
            "Stream entities running on this node, by kind: user, topic, broadcast (sharding places them; a rebalance or a node's death moves them).");
        _resubscribes = meter.CreateCounter<long>("sse_resubscribes", "{subscription}",
            "Connections that subscribed to a stream again, by reason: its entity stopped or moved (moved), or an event skipped a position (gap).");
        meter.CreateObservableGauge("sse_publishes_pending", () => Observe(_pendingPublishes), "{message}",
            "Publishes made on this node waiting for their streams to record them, or for room to be sent (Sse:Limits:MaxPendingPublishes).");
        meter.CreateObservableGauge("sse_broker_backlog", () => Observe(_brokerBacklog), "{message}",
            "Messages in the mailbox of this node's broker (live events are shed past Sse:Limits:MaxBrokerBacklog).");
        meter.CreateObservableGauge("sse_online_users", () => Observe(_onlineUsers), "{user}",
            "Users with a stream on any node whose entity runs on this node: summed over the nodes, each online user once.");
        meter.CreateObservableGauge("sse_active_topics", () => Observe(_activeTopics), "{topic}",
            "Topics (per tenant) with a subscriber on any node whose entity runs on this node: summed over the nodes, each topic in use once.");
        meter.CreateObservableGauge("sse_stream_backlog_peak", () => Observe(() => Interlocked.Exchange(ref _streamBacklogPeak, 0)), "{message}",
            "The deepest backlog of a stream entity on this node since the last collection: its mailbox, and events waiting for the durable store.");
    }

    private IEnumerable<Measurement<long>> Observe(Func<long>? source) =>
        source is null || _node.Length == 0 ? [] : [new Measurement<long>(source(), NodeLabel)];

    /// <summary>What the node's gauges read: its publishes waiting, and its broker's mailbox.</summary>
    internal void ObserveNode(Func<long> pendingPublishes, Func<long> brokerBacklog)
    {
        _pendingPublishes = pendingPublishes;
        _brokerBacklog = brokerBacklog;
    }

    /// <summary>What the stream gauges read: the user and topic streams with subscribers whose entity runs on this node.</summary>
    internal void ObserveStreams(Func<long> onlineUsers, Func<long> activeTopics)
    {
        _onlineUsers = onlineUsers;
        _activeTopics = activeTopics;
    }

    /// <summary>A stream entity's backlog as it takes a publish: the peak is kept until the next collection.</summary>
    internal void StreamBacklog(long backlog)
    {
        var peak = Volatile.Read(ref _streamBacklogPeak);
        while (backlog > peak)
        {
            var seen = Interlocked.CompareExchange(ref _streamBacklogPeak, backlog, peak);
            if (seen == peak)
            {
                return;
            }
            peak = seen;
        }
    }

    internal void EntityStarted(string kind) => _entities.Add(1, NodeLabel, new(KindTag, kind));

    internal void EntityStopped(string kind) => _entities.Add(-1, NodeLabel, new(KindTag, kind));

    internal void Resubscribed(string reason) => _resubscribes.Add(1, NodeLabel, new(ReasonTag, reason));

    internal void Shed(string at, long count) => _shed.Add(count, NodeLabel, new(ShedAtTag, at));

    /// <summary>The value of the <c>node</c> tag: this node's Akka.NET address.</summary>
    public string Node => _node;

    private KeyValuePair<string, object?> NodeLabel => new(NodeTag, _node);

    /// <summary>
    /// Names the node, and starts every series at 0: a fresh node's scrape already has each counter (and each of its
    /// label values), so <c>rate(...)</c> and alerts read 0 rather than no data until the first event of its kind.
    /// </summary>
    internal void BindNode(string node)
    {
        _node = node;
        var label = NodeLabel;
        _activeConnections.Add(0, label);
        foreach (var counter in (ReadOnlySpan<Counter<long>>)[_connects, _disconnects, _slowConsumerDisconnects, _sent, _dropped])
        {
            counter.Add(0, label);
        }
        foreach (var reason in StreamRefusals.All)
        {
            _refusedConnections.Add(0, label, new(ReasonTag, reason));
        }
        foreach (var reason in SendErrors.All)
        {
            _sendErrors.Add(0, label, new(ReasonTag, reason));
        }
        foreach (var target in Targets.All)
        {
            _published.Add(0, label, new(TargetTag, target));
        }
        foreach (var at in ShedAt.All)
        {
            _shed.Add(0, label, new(ShedAtTag, at));
        }
        foreach (var reason in ResubscribeReasons.All)
        {
            _resubscribes.Add(0, label, new(ReasonTag, reason));
        }
        foreach (var kind in (ReadOnlySpan<string>)[Streams.StreamKey.User.KindName, Streams.StreamKey.Topic.KindName, Streams.StreamKey.Broadcasts.KindName])
        {
            _entities.Add(0, label, new(KindTag, kind));
        }
    }

    internal void ConnectionOpened()
    {
        _connects.Add(1, NodeLabel);
        _activeConnections.Add(1, NodeLabel);
    }

    internal void ConnectionsClosed(int count)
    {
        if (count == 0)
        {
            return;
        }
        _disconnects.Add(count, NodeLabel);
        _activeConnections.Add(-count, NodeLabel);
    }

    internal void ConnectionRefused(string reason) => _refusedConnections.Add(1, NodeLabel, new(ReasonTag, reason));

    internal void SlowConsumerDisconnected() => _slowConsumerDisconnects.Add(1, NodeLabel);

    internal void Published(string target) => _published.Add(1, NodeLabel, new(TargetTag, target));

    internal void Dropped(int count)
    {
        if (count > 0)
        {
            _dropped.Add(count, NodeLabel);
        }
    }

    internal void SendRefused(string reason) => _sendErrors.Add(1, NodeLabel, new(ReasonTag, reason));

    /// <summary>One flushed write: counts its published events and records the latency of each.</summary>
    /// <param name="publishedAt">The <see cref="Events.SseEvent.PublishedAt"/> of each published event in the write.</param>
    internal void Flushed(ReadOnlySpan<long> publishedAt, long flushedAt)
    {
        if (publishedAt.IsEmpty)
        {
            return;
        }
        var node = NodeLabel;
        _sent.Add(publishedAt.Length, node);
        foreach (var published in publishedAt)
        {
            _deliveryLatency.Record((flushedAt - published) * SecondsPerTimestampTick, node);
        }
    }
}

internal static class SseMetricsConfiguration
{
    /// <summary>
    /// Tags the node's measurements with its cluster address, and points the stream gauges at the streams active here; before
    /// the broker, which counts (and points the node's gauges at its mailbox and the publish receipts).
    /// </summary>
    public static AkkaConfigurationBuilder WithNodeMetrics(this AkkaConfigurationBuilder builder, SseMetrics metrics) =>
        builder.WithActors((system, _) =>
        {
            metrics.BindNode(Akka.Cluster.Cluster.Get(system).SelfAddress.ToString());
            var activeStreams = ActiveStreams.For(system);
            metrics.ObserveStreams(() => activeStreams.Users, () => activeStreams.Topics);
        });
}
