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
public sealed class ClientActor : UntypedActor, IWithTimers, IWithStash
{
    private const string HeartbeatTimer = "heartbeat";
    private const string RetryTimer = "retry-subscriptions";

    private readonly ClientConnection _connection;
    private readonly IActorRef _userRegion;
    private readonly IActorRef _topicRegion;
    private readonly SseOptions _options;
    private readonly SseMetrics _metrics;
    private ILoggingAdapter? _log;

    private int _queuedBeforeWelcome;
    // False while subscribing (events are stashed behind the welcome), true once the welcome is sent.
    private bool _live;

    // Each stream the connection listens to, with the entity that acknowledged it (null while pending).
    private readonly Dictionary<StreamKey, IActorRef?> _streams = [];

    public ClientActor(ClientConnection connection, IActorRef userRegion, IActorRef topicRegion, SseOptions options, SseMetrics metrics)
    {
        _metrics = metrics;
        _connection = connection;
        _userRegion = userRegion;
        _topicRegion = topicRegion;
        _options = options;
        _streams[new StreamKey.User(connection.UserId)] = null;
        foreach (var topic in connection.TopicKeys)
        {
            _streams[new StreamKey.Topic(topic)] = null;
        }
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public IStash Stash { get; set; } = null!;

    // Created on first use: most connections never log.
    private ILoggingAdapter Log => _log ??= Context.GetLogger();

    public static Props Props(ClientConnection connection, IActorRef userRegion, IActorRef topicRegion, SseOptions options, SseMetrics metrics) =>
        Akka.Actor.Props.Create(() => new ClientActor(connection, userRegion, topicRegion, options, metrics));

    protected override void PreStart()
    {
        // Whatever ends the request (even before the endpoint learned of this actor) stops the client.
        if (!_connection.Attach(Self))
        {
            Context.Stop(Self);
            return;
        }
        // Ticks from the start: the stalled-writes check runs on it too.
        Timers.StartPeriodicTimer(HeartbeatTimer, SendHeartbeat.Instance, _options.HeartbeatInterval);
        foreach (var stream in _streams.Keys)
        {
            Subscribe(stream);
        }
        Timers.StartPeriodicTimer(RetryTimer, RetrySubscriptions.Instance, _options.SubscribeRetryInterval);
    }

    protected override void PostStop()
    {
        foreach (var (stream, entity) in _streams)
        {
            (entity ?? RegionOf(stream)).Tell(stream.Unsubscribe(Self));
        }
        _connection.Complete();
    }

    // One switch instead of ReceiveActor's handler objects: a node holds one of these per connection.
    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case SseEvent sseEvent when _live:
                Deliver(sseEvent);
                break;
            case SseEvent:
                // An event from a stream acknowledged early waits behind the welcome event, within the same bound.
                if (++_queuedBeforeWelcome > _options.ClientBufferSize)
                {
                    // This event and every stashed one are lost with the connection.
                    _metrics.Dropped(_queuedBeforeWelcome);
                    DropAsSlowConsumer();
                    return;
                }
                Stash.Stash();
                break;
            case UserProtocol.SubscribedToUser m:
                Acknowledged(new StreamKey.User(m.UserId));
                break;
            case TopicProtocol.SubscribedToTopic m:
                Acknowledged(new StreamKey.Topic(m.Topic));
                break;
            case SendHeartbeat when _connection.PendingFlush > _options.ClientTimeout:
                Log.Warning("Client {ClientId}: no write progress for {ClientTimeout}; closing it", _connection.ClientId, _options.ClientTimeout);
                _connection.Abort();
                Context.Stop(Self);
                break;
            case SendHeartbeat when _connection.ExpiresAt <= DateTimeOffset.UtcNow:
                Log.Info("Client {ClientId} of user {UserId}: its token expired; closing the stream", _connection.ClientId, _connection.UserId);
                End("token expired", _options.ShutdownGrace);
                break;
            case SendHeartbeat when _live:
                Deliver(SseEncoder.Encode("heartbeat", "ping"));
                break;
            case SendHeartbeat:
                break;
            case RetrySubscriptions:
                foreach (var (stream, entity) in _streams)
                {
                    if (entity is null)
                    {
                        Subscribe(stream);
                    }
                }
                break;
            case SubscriptionLost m:
                Log.Info("Client {ClientId}: {Stream} entity stopped or moved; subscribing again", _connection.ClientId, m.Stream);
                _streams[m.Stream] = null;
                Subscribe(m.Stream);
                Timers.StartPeriodicTimer(RetryTimer, RetrySubscriptions.Instance, _options.SubscribeRetryInterval);
                break;
            case Disconnect:
                Context.Stop(Self);
                break;
            case Close m:
                End("server shutting down", m.Grace);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    /// <summary>A last <c>close</c> event, then the response ends once drained (or is cut after the grace).</summary>
    private void End(string reason, TimeSpan grace)
    {
        _connection.TryWrite(SseEncoder.Encode("close", reason));
        _connection.Complete();
        _connection.AbortAfter(grace);
        Context.Stop(Self);
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
            if (!_live)
            {
                GoLive();
            }
        }
    }

    private void GoLive()
    {
        Deliver(Welcome());
        Timers.StartPeriodicTimer(HeartbeatTimer, SendHeartbeat.Instance, _options.HeartbeatInterval);
        _live = true;
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
        Log.Warning("Client {ClientId} of user {UserId} is a slow consumer ({BufferSize} events queued); disconnecting it",
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
