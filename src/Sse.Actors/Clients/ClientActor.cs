using System.Text.Json;
using Akka.Actor;
using Akka.Event;
using Sse.Actors.Diagnostics;
using Sse.Actors.Events;
using Sse.Actors.Settings;
using Sse.Actors.Topics;
using Sse.Actors.Users;
using static Sse.Actors.Clients.ClientProtocol;

namespace Sse.Actors.Clients;

/// <summary>
/// One per connection. Subscribes itself to its user's entity and its topics' entities, and
/// queues what they deliver into the connection's bounded buffer without ever waiting: when the
/// buffer is full the client is a slow consumer and drops itself. The welcome event is sent once
/// every subscription is acknowledged, so after it nothing addressed to the connection is missed.
/// With history on it also resumes: each stream's acknowledgement carries what the connection
/// missed, written after the welcome, and every stream's last position filters out duplicates. The
/// broadcasts are one of those streams: their entity only answers the replay, and the live ones
/// come through the node's broker, which knew this client before it subscribed.
/// </summary>
public sealed class ClientActor : UntypedActor, IWithTimers, IWithStash
{
    private const string HeartbeatTimer = "heartbeat";
    private const string RetryTimer = "retry-subscriptions";

    private static readonly SseEvent HeartbeatWithoutId = SseEncoder.EncodeWithoutId("heartbeat", "ping");

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

    // History on only: each stream's state in the connection's order (user, topics, broadcasts), and by the name events carry.
    private readonly StreamState[] _ordered = [];
    private readonly Dictionary<string, StreamState>? _byName;

    public ClientActor(ClientConnection connection, IActorRef userRegion, IActorRef topicRegion, SseOptions options, SseMetrics metrics)
    {
        _metrics = metrics;
        _connection = connection;
        _userRegion = userRegion;
        _topicRegion = topicRegion;
        _options = options;
        StreamKey[] keys = [new StreamKey.User(connection.UserId), .. connection.TopicKeys.Select(topic => new StreamKey.Topic(topic))];
        if (options.HistorySize > 0)
        {
            // Kept broadcasts are one more stream, last, so a reconnect gets the ones it missed too.
            keys = [.. keys, StreamKey.Broadcast.Instance];
            _ordered = [.. keys.Select((key, i) => new StreamState(key, connection.StreamNames[i], Label(key, i), connection.ResumeFrom?[i]))];
            _byName = _ordered.ToDictionary(s => s.Name);
        }
        foreach (var key in keys)
        {
            _streams[key] = null;
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
            if (stream.Unsubscribe(Self) is { } unsubscribe)
            {
                (entity ?? RegionOf(stream)).Tell(unsubscribe);
            }
        }
        _connection.Complete();
    }

    // One switch instead of ReceiveActor's handler objects: a node holds one of these per connection.
    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case SseEvent sseEvent when _live:
                if (IsNew(sseEvent))
                {
                    Deliver(sseEvent);
                }
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
                Acknowledged(new StreamKey.User(m.UserId), m.Replay);
                break;
            case TopicProtocol.SubscribedToTopic { Topic: TopicKeys.Broadcast } m:
                Acknowledged(StreamKey.Broadcast.Instance, m.Replay);
                break;
            case TopicProtocol.SubscribedToTopic m:
                Acknowledged(new StreamKey.Topic(m.Topic), m.Replay);
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
                // With history on a heartbeat has no id, so every connection can share one encoded copy.
                Deliver(_byName is null ? SseEncoder.Encode("heartbeat", "ping") : HeartbeatWithoutId);
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
        _connection.TryWrite(Encode("close", reason));
        _connection.Complete();
        _connection.AbortAfter(grace);
        Context.Stop(Self);
    }

    private void Acknowledged(StreamKey stream, Subscriptions.StreamReplay? replay)
    {
        if (!_streams.TryGetValue(stream, out var entity) || entity is not null)
        {
            return;
        }
        _streams[stream] = Sender;
        Context.WatchWith(Sender, new SubscriptionLost(stream));
        if (_byName is not null)
        {
            // No replay: the entity runs without history (settings differ between nodes); nothing to resume.
            Resumed(_ordered.First(s => s.Key == stream), replay ?? new Subscriptions.StreamReplay(default, Gap: true, []));
        }
        if (_streams.Values.All(e => e is not null))
        {
            Timers.Cancel(RetryTimer);
            if (!_live)
            {
                GoLive();
            }
        }
    }

    /// <summary>
    /// Before the welcome the replay waits for the other streams; after it (the entity moved and was
    /// subscribed again) it is written at once, or a <c>reset</c> when the stream cannot be resumed.
    /// </summary>
    private void Resumed(StreamState stream, Subscriptions.StreamReplay replay)
    {
        if (!_live)
        {
            stream.Replay = replay;
            return;
        }
        if (replay.Gap || stream.Position is not { } seen || seen.Epoch != replay.Now.Epoch)
        {
            stream.Position = replay.Now;
            Deliver(Reset([stream.Label]));
            return;
        }
        DeliverNew(replay.Missed);
    }

    private void GoLive()
    {
        if (_byName is null)
        {
            Deliver(Welcome());
        }
        else
        {
            WelcomeAndReplay();
        }
        Timers.StartPeriodicTimer(HeartbeatTimer, SendHeartbeat.Instance, _options.HeartbeatInterval);
        _live = true;
        Stash.UnstashAll();
    }

    /// <summary>
    /// The welcome carries where each stream starts (the asked position when it resumes, the
    /// stream's current one otherwise), then one <c>reset</c> naming the streams that could not be
    /// resumed, then each resumed stream's missed events in order. Stashed events follow, filtered.
    /// </summary>
    private void WelcomeAndReplay()
    {
        List<string> notResumed = [];
        foreach (var stream in _ordered)
        {
            var replay = stream.Replay!;
            if (stream.Position is null || replay.Gap)
            {
                if (stream.Position is not null || _connection.ResumeRefused)
                {
                    notResumed.Add(stream.Label);
                }
                stream.Position = replay.Now;
            }
        }
        Deliver(Welcome() with { StartPositions = [.. _ordered.Select(s => s.Position!.Value)] });
        if (notResumed.Count > 0)
        {
            Deliver(Reset(notResumed));
        }
        foreach (var stream in _ordered)
        {
            if (!stream.Replay!.Gap)
            {
                DeliverNew(stream.Replay.Missed);
            }
            stream.Replay = null;
        }
    }

    private void DeliverNew(IReadOnlyList<SseEvent> events)
    {
        foreach (var sseEvent in events)
        {
            if (IsNew(sseEvent))
            {
                Deliver(sseEvent);
            }
        }
    }

    /// <summary>
    /// False for an event of a stream at or before the position the connection already has: a live
    /// event that also came in a replay, or came through another node's broker before the acknowledgement;
    /// or of a restarted stream not yet subscribed again.
    /// </summary>
    private bool IsNew(SseEvent sseEvent)
    {
        if (_byName is null || sseEvent is not { Stream: { } name, Position: { } position } || !_byName.TryGetValue(name, out var stream))
        {
            return true;
        }
        if (stream.Position is { } seen && seen.Epoch == position.Epoch && position.Seq <= seen.Seq)
        {
            return false;
        }
        if (stream.Position is { } before && before.Epoch != position.Epoch && _streams[stream.Key] is null)
        {
            // The entity restarted and has not acknowledged the new subscription yet (broadcasts come
            // through the broker meanwhile): the acknowledgement answers a reset, which covers this event.
            return false;
        }
        stream.Position = position;
        return true;
    }

    // With history on, a connection's own events carry no id: only stream events move the browser's Last-Event-ID.
    private SseEvent Encode(string eventName, string data) =>
        _byName is null ? SseEncoder.Encode(eventName, data) : SseEncoder.EncodeWithoutId(eventName, data);

    private static SseEvent Reset(IReadOnlyList<string> streams) =>
        SseEncoder.EncodeWithoutId("reset", JsonSerializer.Serialize(new ResetData("reset", streams), WelcomeJson.Options));

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
        var retry = (int)_options.ReconnectDelay.TotalMilliseconds;
        return _byName is null
            ? SseEncoder.Encode(SseEncoder.DefaultEventName, data, retry)
            : SseEncoder.EncodeWithoutId(SseEncoder.DefaultEventName, data, retry);
    }

    // With history on, every (re)subscription asks to resume after the last position the connection has.
    private void Subscribe(StreamKey stream) =>
        RegionOf(stream).Tell(stream.Subscribe(Self, _byName is null ? null : _ordered.First(s => s.Key == stream).Position));

    private IActorRef RegionOf(StreamKey stream) => stream is StreamKey.User ? _userRegion : _topicRegion;

    /// <summary>How the <c>reset</c> event names the stream at <paramref name="index"/> of the connection's order.</summary>
    private string Label(StreamKey stream, int index) => stream switch
    {
        StreamKey.User => "user",
        StreamKey.Broadcast => "broadcast",
        _ => $"topic:{_connection.Topics[index - 1]}",
    };

    private sealed record WelcomeData(string Type, Guid ClientId, string Timestamp);

    private sealed record ResetData(string Type, IReadOnlyList<string> Streams);

    /// <summary>One stream of a connection with history on.</summary>
    private sealed class StreamState(StreamKey key, string name, string label, StreamPosition? resumeFrom)
    {
        public StreamKey Key { get; } = key;

        public string Name { get; } = name;

        /// <summary>How the <c>reset</c> event names it: <c>user</c>, <c>topic:&lt;name&gt;</c> or <c>broadcast</c>.</summary>
        public string Label { get; } = label;

        /// <summary>The last position the connection has: asked in Last-Event-ID, then set by the acknowledgement and each event.</summary>
        public StreamPosition? Position { get; set; } = resumeFrom;

        /// <summary>The acknowledgement's replay, held from the acknowledgement until the welcome.</summary>
        public Subscriptions.StreamReplay? Replay { get; set; }
    }

    private static class WelcomeJson
    {
        public static readonly JsonSerializerOptions Options = new()
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
    }
}
