using System.Text.Json;
using Akka.Actor;
using Akka.Event;
using Sse.Actors.Diagnostics;
using Sse.Actors.Events;
using Sse.Actors.Hosting;
using Sse.Actors.Topics;
using Sse.Actors.Users;
using static Sse.Actors.Clients.ClientProtocol;

namespace Sse.Actors.Clients;

/// <summary>
/// One per connection. Subscribes itself to its user's entity and its topics' entities, and
/// queues what they deliver into the connection's bounded buffer without ever waiting: when the
/// buffer is full the client is a slow consumer and drops itself. The welcome event is sent once
/// every subscription is acknowledged, so after it nothing addressed to the connection is missed.
/// </summary>
public sealed class ClientActor : ReceiveActor, IWithTimers, IWithStash
{
    private const string HeartbeatTimer = "heartbeat";
    private const string RetryTimer = "retry-subscriptions";

    private readonly ClientConnection _connection;
    private readonly IActorRef _userRegion;
    private readonly IActorRef _topicRegion;
    private readonly SseOptions _options;
    private readonly SseMetrics _metrics;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    private CancellationTokenRegistration _requestEnded;
    private int _queuedBeforeWelcome;

    // Each stream the connection listens to, with the entity that acknowledged it (null while pending).
    private readonly Dictionary<StreamKey, IActorRef?> _streams = [];

    public ClientActor(ClientConnection connection, IActorRef userRegion, IActorRef topicRegion, SseOptions options, SseMetrics metrics)
    {
        _connection = connection;
        _userRegion = userRegion;
        _topicRegion = topicRegion;
        _options = options;
        _metrics = metrics;
        _streams[new StreamKey.User(connection.UserId)] = null;
        foreach (var topic in connection.TopicKeys)
        {
            _streams[new StreamKey.Topic(topic)] = null;
        }
        Subscribing();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public IStash Stash { get; set; } = null!;

    public static Props Props(ClientConnection connection, IActorRef userRegion, IActorRef topicRegion, SseOptions options, SseMetrics metrics) =>
        Akka.Actor.Props.Create(() => new ClientActor(connection, userRegion, topicRegion, options, metrics));

    protected override void PreStart()
    {
        // Whatever ends the request (even before the endpoint learned of this actor) stops the client.
        var self = Self;
        _requestEnded = _connection.Ended.Register(() => self.Tell(Disconnect.Instance));
        foreach (var stream in _streams.Keys)
        {
            Subscribe(stream);
        }
        Timers.StartPeriodicTimer(RetryTimer, RetrySubscriptions.Instance, _options.SubscribeRetryInterval);
    }

    protected override void PostStop()
    {
        _requestEnded.Dispose();
        foreach (var (stream, entity) in _streams)
        {
            (entity ?? RegionOf(stream)).Tell(stream.Unsubscribe(Self));
        }
        _connection.Complete();
    }

    private void Subscribing()
    {
        Receive<UserProtocol.SubscribedToUser>(m => AcknowledgedWhileSubscribing(new StreamKey.User(m.UserId)));
        Receive<TopicProtocol.SubscribedToTopic>(m => AcknowledgedWhileSubscribing(new StreamKey.Topic(m.Topic)));
        // An event from a stream acknowledged early waits behind the welcome event, within the same bound.
        Receive<SseEvent>(sseEvent =>
        {
            if (++_queuedBeforeWelcome > _options.ClientBufferSize)
            {
                // This event and every stashed one are lost with the connection.
                _metrics.Dropped(_queuedBeforeWelcome);
                DropAsSlowConsumer();
                return;
            }
            Stash.Stash();
        });
        Receive<SendHeartbeat>(_ => { });
        Common();
    }

    private void Live()
    {
        Receive<SseEvent>(Deliver);
        Receive<UserProtocol.SubscribedToUser>(m => Acknowledged(new StreamKey.User(m.UserId)));
        Receive<TopicProtocol.SubscribedToTopic>(m => Acknowledged(new StreamKey.Topic(m.Topic)));
        Receive<SendHeartbeat>(_ => Deliver(SseEncoder.Encode("heartbeat", "ping")));
        Common();
    }

    private void Common()
    {
        Receive<RetrySubscriptions>(_ =>
        {
            foreach (var (stream, entity) in _streams)
            {
                if (entity is null)
                {
                    Subscribe(stream);
                }
            }
        });
        Receive<SubscriptionLost>(m =>
        {
            _log.Info("Client {ClientId}: {Stream} entity stopped or moved; subscribing again", _connection.ClientId, m.Stream);
            _streams[m.Stream] = null;
            Subscribe(m.Stream);
            Timers.StartPeriodicTimer(RetryTimer, RetrySubscriptions.Instance, _options.SubscribeRetryInterval);
        });
        Receive<Disconnect>(_ => Context.Stop(Self));
        Receive<Close>(m =>
        {
            _connection.TryWrite(SseEncoder.Encode("close", "server shutting down"));
            _connection.Complete();
            _connection.AbortAfter(m.Grace);
            Context.Stop(Self);
        });
    }

    private void Acknowledged(StreamKey stream)
    {
        if (!_streams.TryGetValue(stream, out var entity) || entity is not null)
        {
            return;
        }
        _streams[stream] = Sender;
        Context.WatchWith(Sender, new SubscriptionLost(stream));
        if (_streams.Values.All(e => e is not null))
        {
            Timers.Cancel(RetryTimer);
        }
    }

    private void AcknowledgedWhileSubscribing(StreamKey stream)
    {
        Acknowledged(stream);
        if (_streams.Values.All(e => e is not null))
        {
            GoLive();
        }
    }

    private void GoLive()
    {
        Deliver(Welcome());
        Timers.StartPeriodicTimer(HeartbeatTimer, SendHeartbeat.Instance, _options.HeartbeatInterval);
        Become(Live);
        Stash.UnstashAll();
    }

    private void Deliver(SseEvent sseEvent)
    {
        if (!_connection.TryWrite(sseEvent))
        {
            _metrics.Dropped(sseEvent.PublishedAt == 0 ? 0 : 1);
            DropAsSlowConsumer();
        }
    }

    private void DropAsSlowConsumer()
    {
        _log.Warning("Client {ClientId} of user {UserId} is a slow consumer ({BufferSize} events queued); disconnecting it",
            _connection.ClientId, _connection.UserId, _options.ClientBufferSize);
        Context.Parent.Tell(new SlowConsumerDropped(_connection.ClientId, _connection.UserId));
        _connection.Abort();
        Context.Stop(Self);
    }

    private SseEvent Welcome()
    {
        var data = JsonSerializer.Serialize(new WelcomeData("welcome", _connection.ClientId, DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture)), WelcomeJson.Options);
        return SseEncoder.Encode(SseEncoder.DefaultEventName, data, (int)_options.ReconnectDelay.TotalMilliseconds);
    }

    private void Subscribe(StreamKey stream) => RegionOf(stream).Tell(stream.Subscribe(Self));

    private IActorRef RegionOf(StreamKey stream) => stream is StreamKey.User ? _userRegion : _topicRegion;

    private sealed record WelcomeData(string Type, Guid ClientId, string Timestamp);

    private static class WelcomeJson
    {
        public static readonly JsonSerializerOptions Options = new()
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
    }
}
