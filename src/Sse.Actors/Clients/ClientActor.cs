using Akka.Actor;
using Akka.Event;
using Sse.Actors.Diagnostics;
using Sse.Actors.Events;
using Sse.Actors.Mailboxes;
using Sse.Actors.Streams;
using Sse.Actors.Settings;
using static Sse.Actors.Clients.ClientProtocol;
using static Sse.Actors.Streams.StreamProtocol;

namespace Sse.Actors.Clients;

// A little over 250 lines on purpose: subscribing, going live and writing (paced or not) are one connection's story.

/// <summary>
/// One per connection. Subscribes itself to its user's entity and its topics' entities, and
/// queues what they deliver into the connection's bounded buffer without ever waiting: when the
/// buffer is full the client is a slow consumer and drops itself. The welcome event is sent once
/// every subscription is acknowledged, so after it nothing addressed to the connection is missed.
/// With history on it also resumes (<see cref="ConnectionStreams"/>): each stream's acknowledgement carries
/// what the connection missed, written after the welcome, and duplicates are filtered out. The
/// broadcasts are one of those streams: their entity only answers the replay, and the live ones
/// come through the node's broker, which knew this client before it subscribed.
/// </summary>
/// <remarks>
/// A node holds one per connection, so it keeps no timers and no stash of its own: its heartbeat tick comes from the
/// node's broker (<see cref="SendHeartbeat"/>), a retry schedule exists only while a subscription is pending, and
/// what arrives before the welcome waits in a queue made on first use.
/// </remarks>
public sealed class ClientActor : UntypedActor
{
    private readonly ClientConnection _connection;
    private readonly StreamRegions _regions;
    private readonly ClientSettings _settings;
    private readonly SseMetrics _metrics;
    private readonly ConnectionStreams _streams;
    private readonly ReplayBacklog _backlog;
    private bool _waitingForRoom;
    // Events (and catch-up requests) that came before the welcome; null once live, or when none came.
    private Queue<object>? _beforeWelcome;
    private int _eventsBeforeWelcome;
    // Subscriptions are retried while one is pending; null otherwise.
    private ICancelable? _retry;
    private ILoggingAdapter? _log;

    public ClientActor(ClientConnection connection, StreamRegions regions, ClientSettings settings, SseMetrics metrics)
    {
        _connection = connection;
        _regions = regions;
        _settings = settings;
        _metrics = metrics;
        _streams = ConnectionStreams.For(connection, settings.History);
        _backlog = new ReplayBacklog(connection, settings.BufferSize);
    }

    public static DirectProps Props(ClientConnection connection, StreamRegions regions, ClientSettings settings, SseMetrics metrics) =>
        DirectProps.Of((connection, regions, settings, metrics), static args => new ClientActor(args.connection, args.regions, args.settings, args.metrics));

    // Created on first use: most connections never log.
    private ILoggingAdapter Log => _log ??= Context.GetLogger();

    protected override void PreStart()
    {
        // Whatever ends the request (even before the endpoint learned of this actor) stops the client.
        if (!_connection.Attach(Self))
        {
            Context.Stop(Self);
            return;
        }
        foreach (var stream in _streams.Pending)
        {
            Subscribe(stream);
        }
        RetryPendingSubscriptions();
    }

    protected override void PostStop()
    {
        _retry?.Cancel();
        foreach (var (stream, _) in _streams.Subscriptions)
        {
            // The broadcasts' entity keeps no subscribers: nothing to end there. Through the region, as every subscription
            // went: it arrives after them, so an entity on this node (which does not watch its subscribers) lets go of it.
            if (stream is not StreamKey.Broadcasts)
            {
                _regions.For(stream).Tell(new UnsubscribeFromStream(stream, Self));
            }
        }
        _connection.Complete();
    }

    /// <summary>
    /// Subscribing, before the welcome: what the streams acknowledged early deliver waits for it, in a queue bounded
    /// like the buffer. One switch per state instead of ReceiveActor's handler objects: a node holds one per connection.
    /// </summary>
    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case SseEvent:
                HoldBack(message);
                break;
            case CatchUp:
                // Shed after the stream was acknowledged, before the welcome: caught up once live.
                (_beforeWelcome ??= new Queue<object>()).Enqueue(message);
                break;
            case SubscribedToStream m:
                Acknowledged(m);
                if (_streams.AllAcknowledged)
                {
                    GoLive();
                }
                break;
            case SendHeartbeat:
                CheckConnection();
                break;
            default:
                ReceiveSubscriptionsAndEnd(message);
                break;
        }
    }

    /// <summary>Live, after the welcome: events are written as they come, and a heartbeat on each of the broker's ticks.</summary>
    private void Live(object message)
    {
        switch (message)
        {
            case SseEvent sseEvent:
                Accept(sseEvent);
                break;
            case CatchUp m:
                CatchUpWith(m.Stream);
                break;
            case SubscribedToStream m:
                Acknowledged(m);
                break;
            case SendHeartbeat:
                if (CheckConnection())
                {
                    Deliver(_streams.Events.Heartbeat());
                }
                break;
            case BufferHasRoom:
                _waitingForRoom = false;
                if (!_backlog.Drain())
                {
                    WaitForRoom();
                }
                break;
            default:
                ReceiveSubscriptionsAndEnd(message);
                break;
        }
    }

    /// <summary>Ending (dropped, closed or disconnected): the actor stops, and nothing more is written or subscribed.</summary>
    private static void Ending(object message)
    {
    }

    /// <summary>What a subscribing or live client handles alike: its subscriptions' fate and the end of the stream.</summary>
    private void ReceiveSubscriptionsAndEnd(object message)
    {
        switch (message)
        {
            case SubscriptionRefused m:
                // Over the user's limit: the endpoint answers 429 before any stream byte.
                _connection.RefuseAdmission(m.Subscribers);
                StopClient();
                break;
            case RetrySubscriptions:
                foreach (var stream in _streams.Pending)
                {
                    Subscribe(stream);
                }
                break;
            case EntityStopped m:
                EntityLost(m.Stream, Sender);
                break;
            case SubscriptionLost m:
                EntityLost(m.Stream, m.Entity);
                break;
            case Disconnect:
                StopClient();
                break;
            case Close m:
                End("server shutting down", m.Grace);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    /// <summary>
    /// The broker's tick: a response whose writes stalled past <c>ClientTimeout</c> is cut, a stream whose token
    /// expired is closed. True when the connection streams on.
    /// </summary>
    private bool CheckConnection()
    {
        if (_connection.PendingFlush > _settings.ClientTimeout)
        {
            Log.Warning("Client {ClientId}: no write progress for {ClientTimeout}; closing it", _connection.ClientId, _settings.ClientTimeout);
            _connection.Abort();
            StopClient();
            return false;
        }
        if (_connection.ExpiresAt <= DateTimeOffset.UtcNow)
        {
            Log.Info("Client {ClientId} of user {UserId}: its token expired; closing the stream", _connection.ClientId, _connection.UserId);
            End("token expired", _settings.ShutdownGrace);
            return false;
        }
        return true;
    }

    /// <summary>An event from a stream acknowledged early waits behind the welcome, within the same bound as the buffer.</summary>
    private void HoldBack(object sseEvent)
    {
        if (++_eventsBeforeWelcome > _settings.BufferSize)
        {
            // This event and every one held back are lost with the connection.
            _metrics.Dropped(_eventsBeforeWelcome);
            DropAsSlowConsumer();
            return;
        }
        (_beforeWelcome ??= new Queue<object>()).Enqueue(sseEvent);
    }

    /// <summary>Stops the actor; what waited for the welcome is lost with the connection.</summary>
    private void StopClient()
    {
        _beforeWelcome = null;
        Context.Become(Ending);
        Context.Stop(Self);
    }

    /// <summary>The entity of a subscribed stream stopped or moved (an earlier one's end is old news): subscribe again.</summary>
    private void EntityLost(StreamKey stream, IActorRef entity)
    {
        if (!_streams.Lost(stream, entity))
        {
            return;
        }
        Resubscribed(SseMetrics.ResubscribeReasons.Moved, $"client {_connection.ClientId}: {stream} entity stopped or moved; subscribing again");
        Subscribe(stream);
        RetryPendingSubscriptions();
    }

    /// <summary>Live events of the stream were shed before reaching this node: subscribe again from here, or say they are gone.</summary>
    private void CatchUpWith(StreamKey stream)
    {
        switch (_streams.Shed(stream))
        {
            case StreamAction.Resubscribe:
                Subscribe(stream);
                RetryPendingSubscriptions();
                break;
            case StreamAction.Reset:
                Deliver(ConnectionEvents.Reset([stream.Label]));
                break;
        }
    }

    /// <summary>A live event is written, dropped as one the connection has, or shows a gap its stream is subscribed again to repair.</summary>
    private void Accept(SseEvent sseEvent)
    {
        switch (_streams.Accept(sseEvent, out var gap))
        {
            case StreamAction.Write:
                Deliver(sseEvent);
                break;
            case StreamAction.Resubscribe:
                Resubscribed(SseMetrics.ResubscribeReasons.Gap, $"client {_connection.ClientId}: {gap} skipped ahead; subscribing again to repair the gap");
                Subscribe(gap!);
                RetryPendingSubscriptions();
                break;
        }
    }

    /// <summary>A last <c>close</c> event, then the response ends once drained (or is cut after the grace).</summary>
    private void End(string reason, TimeSpan grace)
    {
        _connection.TryWrite(_streams.Events.Close(reason));
        _connection.Complete();
        _connection.AbortAfter(grace);
        StopClient();
    }

    /// <summary>
    /// Before the welcome a stream's replay waits for the other streams; after it (the entity moved and was
    /// subscribed again) what was missed is written at once, or a <c>reset</c> when the stream cannot be resumed.
    /// </summary>
    private void Acknowledged(SubscribedToStream m)
    {
        var stream = m.Stream;
        if (stream is StreamKey.User)
        {
            _connection.Admit();
        }
        if (!_streams.Acknowledged(stream, Sender, m.Replay, out var resumed))
        {
            return;
        }
        // Only an entity on another node is watched: one on this node tells its subscribers it stops (EntityStopped).
        // Acknowledged again after a gap repair, the same entity is watched already.
        if (!Sender.Path.Address.HasLocalScope)
        {
            Context.WatchWith(Sender, new SubscriptionLost(stream, Sender));
        }
        if (resumed is not null)
        {
            Write(resumed);
        }
        if (_streams.AllAcknowledged)
        {
            _retry?.Cancel();
            _retry = null;
        }
    }

    private void Resubscribed(string reason, string detail)
    {
        Log.Debug("{Detail}", detail);
        _metrics.Resubscribed(reason);
        Resubscriptions.For(Context.System).Add(reason, detail);
    }

    /// <summary>
    /// The welcome, then with history on one <c>reset</c> naming the streams that could not be resumed and
    /// each resumed stream's missed events in order. What came before the welcome follows, filtered.
    /// </summary>
    private void GoLive()
    {
        var resumption = _streams.Welcome();
        var welcome = _streams.Events.Welcome(_connection.ClientId, _settings.ReconnectDelay.Draw());
        Deliver(resumption.Starts is null ? welcome : welcome with { StartPositions = resumption.Starts });
        Write(resumption);
        Context.Become(Live);
        // In order, as if they came now; a drop on the way stops the client and empties the queue.
        while (_beforeWelcome is { } waiting && waiting.TryDequeue(out var message))
        {
            Live(message);
        }
        _beforeWelcome = null;
    }

    /// <summary>Subscribes the pending streams again every <c>SubscribeRetryInterval</c> until all are acknowledged.</summary>
    private void RetryPendingSubscriptions() =>
        _retry ??= Context.System.Scheduler.ScheduleTellRepeatedlyCancelable(
            _settings.SubscribeRetryInterval, _settings.SubscribeRetryInterval, Self, RetrySubscriptions.Instance, Self);

    /// <summary>A reset and a replay are written whole, paced by the response (<see cref="ReplayBacklog"/>).</summary>
    private void Write(Resumption resumption)
    {
        if (resumption.Reset.Count > 0)
        {
            Deliver(ConnectionEvents.Reset(resumption.Reset), replayed: true);
        }
        foreach (var sseEvent in resumption.Missed)
        {
            Deliver(sseEvent, replayed: true);
        }
    }

    private void Deliver(SseEvent sseEvent, bool replayed = false)
    {
        if (!_backlog.Write(sseEvent, replayed))
        {
            _metrics.Dropped((sseEvent.PublishedAt == 0 ? 0 : 1) + _backlog.PublishedWaiting);
            DropAsSlowConsumer();
            return;
        }
        if (!_backlog.IsEmpty && !_waitingForRoom)
        {
            WaitForRoom();
        }
    }

    private void WaitForRoom()
    {
        _waitingForRoom = true;
        // Completes when the response has drained some of the buffer; false (the stream ended) needs nothing.
        _connection.WaitForRoomAsync().PipeTo(Self, success: open => open ? BufferHasRoom.Instance : Disconnect.Instance);
    }

    /// <summary>Logged and told once per connection: the client stops and handles nothing after.</summary>
    private void DropAsSlowConsumer()
    {
        Log.Warning("Client {ClientId} of user {UserId} is a slow consumer ({BufferSize} events queued); disconnecting it",
            _connection.ClientId, _connection.UserId, _settings.BufferSize);
        Context.Parent.Tell(new SlowConsumerDropped(_connection.ClientId, _connection.UserId));
        _connection.Abort();
        StopClient();
    }

    private void Subscribe(StreamKey stream)
    {
        var subscribe = _streams.Subscribe(stream, Self);
        // Until admitted, the user's entity counts the connection against the user's limit; once streaming, it never refuses it.
        if (stream is StreamKey.User && _connection.MaxUserConnections > 0 && !_connection.Admission.IsCompleted)
        {
            subscribe = subscribe with { MaxSubscribers = _connection.MaxUserConnections };
        }
        _regions.For(stream).Tell(subscribe);
    }
}
