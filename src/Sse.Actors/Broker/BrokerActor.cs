using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Akka.Hosting;
using Sse.Actors.Clients;
using Sse.Actors.Diagnostics;
using Sse.Actors.Delivery;
using Sse.Actors.Mailboxes;
using Sse.Actors.Streams;
using Sse.Actors.Settings;
using static Sse.Actors.Broker.BrokerCommands;
using static Sse.Actors.Broker.BrokerConnections;
using static Sse.Actors.Broker.BrokerQueries;

namespace Sse.Actors.Broker;

/// <summary>What the node's broker needs to know of the broker's settings.</summary>
/// <param name="MaxConnections">Connections this node accepts; 0: unlimited.</param>
/// <param name="MaxConnectionsPerUser">Connections one user may hold on every node together (enforced by the user entity); 0: unlimited.</param>
/// <param name="QueryTimeout">How long a cluster-wide question waits for the other nodes.</param>
public sealed record BrokerSettings(int MaxConnections, int MaxConnectionsPerUser, TimeSpan QueryTimeout, ClientSettings Clients, PublishSettings Publish);

/// <summary>
/// The node's broker: admits or refuses connections, supervises one <see cref="ClientActor"/> per connection, keeps the
/// node's counts (and the connection metrics), and accepts the commands and queries a service tells it. Events do not pass
/// through it: the node's <see cref="DeliveryActor"/>s hand them to the connections, and the broker tells a connection's
/// delivery when it admits and ends it. It also ticks for its connections: each gets <see cref="ClientProtocol.Tick"/>
/// once per <c>HeartbeatInterval</c>, a slice of them per tick, so a node keeps one timer rather than one per connection and
/// their heartbeats are spread over the interval.
/// </summary>
public sealed partial class BrokerActor : ReceiveActor, IWithTimers
{
    /// <summary>Its name under <c>/user</c> on every node, so a cluster-wide query can address each node's broker.</summary>
    public const string Name = "sse-broker";

    // At most one heartbeat tick per second: a connection's tick comes every HeartbeatInterval, in one of these slices.
    private static readonly TimeSpan HeartbeatSlice = TimeSpan.FromSeconds(1);
    // After a member is removed: time for the regions here to forget the shard homes they kept on it (they hear of its
    // removal as this broker does, then of its regions' end), so the retried subscriptions reach the new homes.
    private static readonly TimeSpan RetryAfterRemoval = TimeSpan.FromMilliseconds(250);

    private readonly BrokerSettings _settings;
    private readonly StreamRegions _regions;
    private readonly SseMetrics _metrics;
    private readonly PublishReceipts _receipts = PublishReceipts.For(Context.System);
    private readonly BroadcastPublisher _broadcasts;
    private readonly ActiveStreams _activeStreams = ActiveStreams.For(Context.System);
    private readonly NodeDeliveries _deliveries = NodeDeliveries.Of(Context.System);
    private readonly ILoggingAdapter _log = Context.GetLogger();

    private readonly Dictionary<IActorRef, ClientConnection> _clients = [];
    private readonly string _node;
    private long _accepted;
    private long _refused;
    private long _slowConsumers;
    private bool _closing;
    private readonly int _heartbeatSlices;
    private int _heartbeatSlice;

    public BrokerActor(BrokerSettings settings, StreamRegions regions, SseMetrics metrics)
    {
        _settings = settings;
        _regions = regions;
        _metrics = metrics;
        _broadcasts = BroadcastPublisher.For(settings.Publish, _receipts, regions.Broadcasts, Context.System);
        _node = Akka.Cluster.Cluster.Get(Context.System).SelfAddress.ToString();
        _heartbeatSlices = (int)Math.Clamp(settings.Clients.HeartbeatInterval / HeartbeatSlice, 1, 60);

        Receive<Connect>(m => Admit(m.Connection));
        Receive<ClientProtocol.SlowConsumerDropped>(_ =>
        {
            _slowConsumers++;
            _metrics.SlowConsumerDisconnected();
        });
        Receive<CloseAll>(CloseAllConnections);
        Receive<HeartbeatTick>(_ => Heartbeat());

        Receive<SendToUser>(m => Publish(() => Record(Publication.ToUser(m.UserId, m.Event, m.Data, _settings.Publish, _metrics, m.MessageId))));
        Receive<SendToTopic>(m => Publish(() => Record(Publication.ToTopic(m.TenantId, m.Topic, m.Event, m.Data, _settings.Publish, _metrics, m.MessageId))));
        Receive<Broadcast>(m => Publish(() => Record(Publication.ToEveryone(m.Event, m.Data, _settings.Publish, _metrics, m.MessageId))));

        // A subscription sent to a removed node's entity is lost: the connections waiting for one retry once its streams
        // have new homes, rather than at their next SubscribeRetryInterval (the welcome after a failover waited for it).
        Receive<ClusterEvent.MemberRemoved>(_ => Timers.StartSingleTimer(nameof(RetryAfterRemoval), ClientProtocol.RetrySubscriptions.Instance, RetryAfterRemoval));
        Receive<ClusterEvent.CurrentClusterState>(_ => { });
        Receive<ClientProtocol.RetrySubscriptions>(m => ForwardToAll(m));

        Receive<GetStats>(m => AskTheCluster(m));
        Receive<GetOnlineUsers>(m => AskTheCluster(m));
        Receive<GetUserConnectionCount>(m => _regions.Users.Forward(m));
        Receive<GetNodeReport>(_ => Sender.Tell(new NodeReport(NodeStats(), (int)_activeStreams.Users, (int)_activeStreams.Topics)));
        Receive<GetNodeOnlineUsers>(m => Sender.Tell(new NodeOnlineUsers(_node, OnlineUserPages.NodePage(Users(), m.After, m.Limit))));
    }

    public static Props Props(BrokerSettings settings, StreamRegions regions, SseMetrics metrics) =>
        Akka.Actor.Props.Create(() => new BrokerActor(settings, regions, metrics));

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot, typeof(ClusterEvent.MemberRemoved));
        Timers.StartPeriodicTimer(nameof(HeartbeatTick), HeartbeatTick.Instance, _settings.Clients.HeartbeatInterval / _heartbeatSlices);
    }

    // A stopping broker's children stop with it, unseen by Remove: the gauge must not keep them.
    protected override void PostStop()
    {
        Akka.Cluster.Cluster.Get(Context.System).Unsubscribe(Self);
        _metrics.ConnectionsClosed(_clients.Count);
    }

    protected override SupervisorStrategy SupervisorStrategy() => new ClientSupervision(Remove);

    private void Admit(ClientConnection connection)
    {
        if (Refusal(connection) is { } refusal)
        {
            // Logged by the stream endpoint, summed up: a full node refuses a flood.
            _refused++;
            Sender.Tell(refusal);
            return;
        }
        // Not watched: the broker hears of its end as its parent (ClientSupervision).
        var client = Context.ActorOf(LeanMailbox.For(ClientActor.Props(connection, _regions, _settings.Clients, _metrics), Context.System), $"client-{connection.ClientId:N}");
        _clients.Add(client, connection);
        // Before the client subscribes: a broadcast from now on reaches it, held back until its welcome.
        _deliveries.For(client).Tell(new DeliveryProtocol.Joined(client));
        _accepted++;
        _metrics.ConnectionOpened();
        Sender.Tell(new Accepted(client));
    }

    private Refused? Refusal(ClientConnection connection)
    {
        if (_closing)
        {
            return new Refused(RefusalReason.ShuttingDown, "the server is shutting down");
        }
        if (_settings.MaxConnections > 0 && _clients.Count >= _settings.MaxConnections)
        {
            return new Refused(RefusalReason.NodeFull, $"this node holds its maximum of {_settings.MaxConnections} connections");
        }
        // The per-user limit is the user entity's to enforce: it counts the user's connections on every node.
        return null;
    }

    private void Remove(IActorRef client)
    {
        if (!_clients.Remove(client))
        {
            return;
        }
        _metrics.ConnectionsClosed(1);
        _deliveries.For(client).Tell(new DeliveryProtocol.Left(client));
    }

    /// <summary>The users with a connection on this node, each once.</summary>
    private IEnumerable<string> Users() => _clients.Values.Select(connection => connection.UserId).Distinct(StringComparer.Ordinal);

    /// <summary>The topics (a tenant's each its own) some connection of this node follows, each once.</summary>
    private int Topics() => _clients.Values.SelectMany(connection => connection.Streams.OfType<StreamKey.Topic>()).Distinct().Count();

    private sealed class HeartbeatTick : INoSerializationVerificationNeeded
    {
        public static readonly HeartbeatTick Instance = new();
    }
}

internal static class BrokerActorConfiguration
{
    /// <summary>
    /// The node's <see cref="BrokerActor"/> (<see cref="BrokerActor.Name"/>, in the registry), after the stream regions it admits
    /// connections to and the deliveries it tells of them; the node's gauges read the deliveries' mailboxes.
    /// </summary>
    public static AkkaConfigurationBuilder WithBrokerActor(this AkkaConfigurationBuilder builder, SseOptions options, SseMetrics metrics) =>
        builder.WithActors((system, registry) =>
        {
            var regions = new StreamRegions(registry.Get<UserStreams>(), registry.Get<TopicStreams>(), registry.Get<BroadcastStream>());
            registry.Register<BrokerActor>(system.ActorOf(BrokerActor.Props(options.BrokerSettings(), regions, metrics), BrokerActor.Name));
            var receipts = PublishReceipts.For(system);
            metrics.ObserveNode(() => receipts.Pending, NodeDeliveries.Of(system).Backlog);
        });
}
