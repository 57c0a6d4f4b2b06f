using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Sse.Actors.Clients;
using Sse.Actors.Diagnostics;
using Sse.Actors.Settings;
using static Sse.Actors.Broker.BrokerCommands;
using static Sse.Actors.Broker.BrokerConnections;
using static Sse.Actors.Broker.BrokerQueries;

namespace Sse.Actors.Broker;

/// <summary>
/// The node's broker: admits or refuses connections, supervises one <see cref="ClientActor"/>
/// per connection, keeps the node's counts (and the connection metrics), fans out what arrives for the node (broadcasts, and
/// events entities on other nodes send once per node), and accepts the commands and queries a
/// service tells it.
/// </summary>
public sealed class BrokerActor : ReceiveActor
{
    /// <summary>Its name under <c>/user</c> on every node, so entities and queries can address a node's broker.</summary>
    public const string Name = "sse-broker";

    /// <summary>The distributed pub-sub topic every node's broker listens to for broadcasts.</summary>
    public const string BroadcastTopic = "sse-broadcast";

    private readonly SseOptions _options;
    private readonly IActorRef _userRegion;
    private readonly IActorRef _topicRegion;
    private readonly SseMetrics _metrics;
    private readonly IActorRef _mediator = DistributedPubSub.Get(Context.System).Mediator;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    private readonly Dictionary<IActorRef, ClientConnection> _clients = [];
    private readonly Dictionary<Guid, HashSet<IActorRef>> _clientsByUser = [];
    private readonly Dictionary<string, HashSet<IActorRef>> _clientsByTopic = [];
    private readonly string _node;
    private long _accepted;
    private long _refused;
    private long _slowConsumers;
    private bool _closing;

    public BrokerActor(SseOptions options, IActorRef userRegion, IActorRef topicRegion, SseMetrics metrics)
    {
        _options = options;
        _userRegion = userRegion;
        _topicRegion = topicRegion;
        _metrics = metrics;
        _node = Akka.Cluster.Cluster.Get(Context.System).SelfAddress.ToString();

        Receive<Connect>(m => Admit(m.Connection));
        Receive<Terminated>(t => Remove(t.ActorRef));
        Receive<ClientProtocol.SlowConsumerDropped>(_ =>
        {
            _slowConsumers++;
            _metrics.SlowConsumerDisconnected();
        });
        Receive<CloseAll>(CloseAllConnections);

        Receive<SendToUser>(m => Publish(() => Route(Publication.ToUser(m.UserId, m.Event, m.Data, _options, _metrics))));
        Receive<SendToTopic>(m => Publish(() => Route(Publication.ToTopic(m.TenantId, m.Topic, m.Event, m.Data, _options, _metrics))));
        Receive<Broadcast>(m => Publish(() => Route(Publication.ToEveryone(m.Event, m.Data, _options, _metrics))));

        Receive<DeliverBroadcast>(m => DeliverLocally(_clients.Keys, m.Event));
        Receive<NodeFanOut.UserEvent>(m => DeliverLocally(_clientsByUser.GetValueOrDefault(m.UserId), m.Event));
        Receive<NodeFanOut.TopicEvent>(m => DeliverLocally(_clientsByTopic.GetValueOrDefault(m.Topic), m.Event));
        Receive<SubscribeAck>(_ => { });

        Receive<GetStats>(m => AskTheCluster(m));
        Receive<GetOnlineUsers>(m => AskTheCluster(m));
        Receive<GetUserConnectionCount>(m => _userRegion.Forward(m));
        Receive<GetNodeReport>(_ => Sender.Tell(new NodeReport(NodeStats(), [.. _clientsByUser.Keys], [.. _clientsByTopic.Keys])));
    }

    public static Props Props(SseOptions options, IActorRef userRegion, IActorRef topicRegion, SseMetrics metrics) =>
        Akka.Actor.Props.Create(() => new BrokerActor(options, userRegion, topicRegion, metrics));

    protected override void PreStart() => _mediator.Tell(new Subscribe(BroadcastTopic, Self));

    // A stopping broker's children stop with it, unseen by Remove: the gauge must not keep them.
    protected override void PostStop() => _metrics.ConnectionsClosed(_clients.Count);

    // A failed client is stopped, never restarted: its response cannot be resumed.
    protected override SupervisorStrategy SupervisorStrategy() => Akka.Actor.SupervisorStrategy.StoppingStrategy;

    private void Admit(ClientConnection connection)
    {
        if (Refusal(connection) is { } refusal)
        {
            _refused++;
            _log.Warning("Refused a connection of user {UserId}: {Reason}", connection.UserId, refusal.Message);
            Sender.Tell(refusal);
            return;
        }
        var client = Context.ActorOf(ClientActor.Props(connection, _userRegion, _topicRegion, _options, _metrics), $"client-{connection.ClientId:N}");
        Context.Watch(client);
        _clients.Add(client, connection);
        Index(_clientsByUser, connection.UserId).Add(client);
        foreach (var topic in connection.TopicKeys)
        {
            Index(_clientsByTopic, topic).Add(client);
        }
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
        if (_options.MaxConnections > 0 && _clients.Count >= _options.MaxConnections)
        {
            return new Refused(RefusalReason.NodeFull, $"this node holds its maximum of {_options.MaxConnections} connections");
        }
        var perUser = _options.MaxConnectionsPerUser;
        if (perUser > 0 && _clientsByUser.GetValueOrDefault(connection.UserId)?.Count >= perUser)
        {
            return new Refused(RefusalReason.UserLimit, $"the user already holds the maximum of {perUser} connections");
        }
        return null;
    }

    private void Remove(IActorRef client)
    {
        if (!_clients.Remove(client, out var connection))
        {
            return;
        }
        _metrics.ConnectionsClosed(1);
        Unindex(_clientsByUser, connection.UserId, client);
        foreach (var topic in connection.TopicKeys)
        {
            Unindex(_clientsByTopic, topic, client);
        }
    }

    private static HashSet<IActorRef> Index<TKey>(Dictionary<TKey, HashSet<IActorRef>> index, TKey key) where TKey : notnull
    {
        if (!index.TryGetValue(key, out var clients))
        {
            index[key] = clients = [];
        }
        return clients;
    }

    private static void Unindex<TKey>(Dictionary<TKey, HashSet<IActorRef>> index, TKey key, IActorRef client) where TKey : notnull
    {
        var clients = index[key];
        clients.Remove(client);
        if (clients.Count == 0)
        {
            index.Remove(key);
        }
    }

    // Concrete collection types: their struct enumerators keep a fan-out free of allocation.
    private static void DeliverLocally(HashSet<IActorRef>? clients, Events.SseEvent sseEvent)
    {
        if (clients is null)
        {
            return;
        }
        foreach (var client in clients)
        {
            client.Tell(sseEvent);
        }
    }

    private static void DeliverLocally(Dictionary<IActorRef, ClientConnection>.KeyCollection clients, Events.SseEvent sseEvent)
    {
        foreach (var client in clients)
        {
            client.Tell(sseEvent);
        }
    }

    private void CloseAllConnections(CloseAll command)
    {
        _closing = true;
        _log.Info("Closing {Count} streams", _clients.Count);
        foreach (var client in _clients.Keys)
        {
            client.Tell(new ClientProtocol.Close(command.Grace));
        }
    }

    private string Route(Users.UserProtocol.DeliverToUser message)
    {
        _userRegion.Tell(message);
        return message.Event.Id;
    }

    private string Route(Topics.TopicProtocol.PublishToTopic message)
    {
        _topicRegion.Tell(message);
        return message.Event.Id;
    }

    private string Route(DeliverBroadcast message)
    {
        Publication.Send(message, _options, _topicRegion, _mediator);
        return message.Event.Id;
    }

    private void Publish(Func<string> publish)
    {
        object reply;
        try
        {
            reply = new PublishAccepted(publish());
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            _log.Warning("Rejected a publish command: {Reason}", e.Message);
            reply = new PublishRejected(e.Message);
        }
        if (!Sender.IsNobody() && !Sender.Equals(Context.System.DeadLetters))
        {
            Sender.Tell(reply);
        }
    }

    private void AskTheCluster(object question) =>
        Context.ActorOf(ClusterQueryActor.Props(Sender, question, Self, _options));

    private BrokerStats NodeStats() => new(
        Node: _node,
        TotalClients: _clients.Count,
        TotalUsers: _clientsByUser.Count,
        TotalTopics: _clientsByTopic.Count,
        IsRunning: !_closing,
        BufferSize: _options.ClientBufferSize,
        MaxConnections: _options.MaxConnections,
        MaxConnectionsPerUser: _options.MaxConnectionsPerUser,
        ConnectionsAccepted: _accepted,
        ConnectionsRefused: _refused,
        SlowConsumerDisconnects: _slowConsumers);
}
