using Akka.Actor;
using Akka.Event;
using Sse.Actors.Clients;
using Sse.Actors.Hosting;
using static Sse.Actors.Broker.BrokerCommands;
using static Sse.Actors.Broker.BrokerConnections;
using static Sse.Actors.Broker.BrokerQueries;

namespace Sse.Actors.Broker;

/// <summary>
/// The node's broker: admits or refuses connections, supervises one <see cref="ClientActor"/>
/// per connection, keeps the node's counts, fans broadcasts out to its clients, and accepts the
/// publish commands a service tells it.
/// </summary>
public sealed class BrokerActor : ReceiveActor
{
    private readonly SseOptions _options;
    private readonly IActorRef _userRegion;
    private readonly IActorRef _topicRegion;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    private readonly Dictionary<IActorRef, ClientConnection> _clients = [];
    private readonly Dictionary<Guid, int> _connectionsPerUser = [];
    private readonly Dictionary<string, int> _connectionsPerTopic = [];
    private long _accepted;
    private long _refused;
    private long _slowConsumers;
    private bool _closing;

    public BrokerActor(SseOptions options, IActorRef userRegion, IActorRef topicRegion)
    {
        _options = options;
        _userRegion = userRegion;
        _topicRegion = topicRegion;

        Receive<Connect>(m => Admit(m.Connection));
        Receive<Terminated>(t => Remove(t.ActorRef));
        Receive<ClientProtocol.SlowConsumerDropped>(_ => _slowConsumers++);
        Receive<CloseAll>(CloseAllConnections);

        Receive<SendToUser>(m => Publish(() => Route(Publication.ToUser(m.UserId, m.Event, m.Data))));
        Receive<SendToTopic>(m => Publish(() => Route(Publication.ToTopic(m.Topic, m.Event, m.Data, _options.EnableTopics))));
        Receive<Broadcast>(m => Publish(() => Route(Publication.ToEveryone(m.Event, m.Data))));
        Receive<DeliverBroadcast>(m => Route(m));

        Receive<GetStats>(_ => Sender.Tell(Stats()));
        Receive<GetUserConnectionCount>(m => Sender.Tell(new UserConnectionCount(m.UserId, _connectionsPerUser.GetValueOrDefault(m.UserId))));
        Receive<GetOnlineUsers>(_ => Sender.Tell(new OnlineUsers([.. _connectionsPerUser.Keys])));
    }

    public static Props Props(SseOptions options, IActorRef userRegion, IActorRef topicRegion) =>
        Akka.Actor.Props.Create(() => new BrokerActor(options, userRegion, topicRegion));

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
        var client = Context.ActorOf(ClientActor.Props(connection, _userRegion, _topicRegion, _options), $"client-{connection.ClientId:N}");
        Context.Watch(client);
        _clients.Add(client, connection);
        _connectionsPerUser[connection.UserId] = _connectionsPerUser.GetValueOrDefault(connection.UserId) + 1;
        foreach (var topic in connection.Topics)
        {
            _connectionsPerTopic[topic] = _connectionsPerTopic.GetValueOrDefault(topic) + 1;
        }
        _accepted++;
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
        if (perUser > 0 && _connectionsPerUser.GetValueOrDefault(connection.UserId) >= perUser)
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
        Decrement(_connectionsPerUser, connection.UserId);
        foreach (var topic in connection.Topics)
        {
            Decrement(_connectionsPerTopic, topic);
        }
    }

    private static void Decrement<TKey>(Dictionary<TKey, int> counts, TKey key) where TKey : notnull
    {
        var left = counts[key] - 1;
        if (left == 0)
        {
            counts.Remove(key);
        }
        else
        {
            counts[key] = left;
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
        foreach (var client in _clients.Keys)
        {
            client.Tell(message.Event);
        }
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

    private BrokerStats Stats() => new(
        TotalClients: _clients.Count,
        TotalUsers: _connectionsPerUser.Count,
        TotalTopics: _connectionsPerTopic.Count,
        IsRunning: !_closing,
        BufferSize: _options.ClientBufferSize,
        MaxConnections: _options.MaxConnections,
        MaxConnectionsPerUser: _options.MaxConnectionsPerUser,
        ConnectionsAccepted: _accepted,
        ConnectionsRefused: _refused,
        SlowConsumerDisconnects: _slowConsumers);
}
