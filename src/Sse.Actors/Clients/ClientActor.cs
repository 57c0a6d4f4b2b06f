using Akka.Actor;
using Akka.Event;
using Sse.Actors.Delivery;
using Sse.Actors.Diagnostics;
using Sse.Actors.Events;
using Sse.Actors.Mailboxes;
using Sse.Actors.Streams;
using static Sse.Actors.Clients.ClientProtocol;
using static Sse.Actors.Streams.StreamProtocol;

namespace Sse.Actors.Clients;

/// <summary>
/// One per connection. Subscribes itself to its user's entity and its topics' entities, and writes what they deliver
/// into the connection's bounded buffer without ever waiting (<see cref="ConnectionWriter"/>): when the buffer is full
/// the client is a slow consumer and drops itself. Its states are behaviours: subscribing until every subscription is
/// acknowledged, then the welcome, after which nothing addressed to the connection is missed; live; and ending. How its
/// streams resume (by position with history on, with a reset without) is <see cref="ConnectionStreams"/>' part. The
/// broadcasts are one of those streams with history on: their entity only answers the replay, and the live ones come
/// through its delivery, which the broker told of this client before it subscribed.
/// </summary>
/// <remarks>
/// A node holds one per connection, so it keeps no timers and no stash of its own: its tick comes from the node's
/// broker (<see cref="Tick"/>), a retry schedule exists only while a subscription is pending, and what arrives before
/// the welcome waits in a queue made on first use.
/// </remarks>
public sealed partial class ClientActor : UntypedActor
{
    private readonly ClientConnection _connection;
    private readonly StreamRegions _regions;
    private readonly ClientSettings _settings;
    private readonly SseMetrics _metrics;
    private readonly ConnectionStreams _streams;
    private readonly ConnectionWriter _writer;
    // The node's delivery that owns this connection: every entity sends it the connection's acknowledgements and events.
    private readonly IActorRef _delivery;
    // Events (and catch-up requests) that came before the welcome; null once live, or when none came.
    private Queue<object>? _beforeWelcome;
    private int _eventsBeforeWelcome;
    // Subscriptions are retried while one is pending; null otherwise.
    private ICancelable? _retry;
    private ILoggingAdapter? _log;
    private Behaviour _behaviour;

    public ClientActor(ClientConnection connection, StreamRegions regions, ClientSettings settings, SseMetrics metrics)
    {
        _connection = connection;
        _regions = regions;
        _settings = settings;
        _metrics = metrics;
        _streams = ConnectionStreams.For(connection, settings.History);
        _writer = new ConnectionWriter(connection, settings.BufferSize, Self);
        _delivery = NodeDeliveries.Of(Context.System).For(Self);
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
        SubscribePending();
        RetryPendingSubscriptions();
    }

    protected override void PostStop()
    {
        UnsubscribeAll();
        _connection.Complete();
    }

    /// <summary>
    /// The current behaviour's switch. Chosen by a field rather than <c>Context.Become</c>: a cell's first Become makes
    /// Akka.NET allocate its full actor state (two dictionaries, a set and a stack, about 0.5 kB), once per connection;
    /// and one switch per state instead of ReceiveActor's handler objects, for the same reason.
    /// </summary>
    protected override void OnReceive(object message)
    {
        switch (_behaviour)
        {
            case Behaviour.Subscribing:
                Subscribing(message);
                break;
            case Behaviour.Live:
                Live(message);
                break;
            // Ending (dropped, closed or disconnected): the actor stops, and nothing more is written or subscribed.
        }
    }

    /// <summary>Subscribing, before the welcome: what the streams acknowledged early deliver waits for it.</summary>
    private void Subscribing(object message)
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
            case Tick:
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
                switch (_streams.Accept(sseEvent, out var gap))
                {
                    case StreamAction.Write:
                        Write(sseEvent);
                        break;
                    case StreamAction.Resubscribe:
                        SubscribeAgain(gap!, SseMetrics.ResubscribeReasons.Gap, "skipped ahead; subscribing again to repair the gap");
                        break;
                }
                break;
            case CatchUp m:
                CatchUpWith(m.Stream);
                break;
            case SubscribedToStream m:
                Acknowledged(m);
                break;
            case Tick:
                if (CheckConnection())
                {
                    Write(ConnectionEvents.Heartbeat());
                }
                break;
            case BufferHasRoom:
                _writer.BufferHasRoom();
                break;
            default:
                ReceiveSubscriptionsAndEnd(message);
                break;
        }
    }

    /// <summary>What a subscribing and a live client handle alike: their subscriptions' fate and the end of the stream.</summary>
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
                SubscribePending();
                break;
            case EntityStopped m:
                EntityLost(m.Stream, Sender);
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

    /// <summary>
    /// The welcome, then with history on one <c>reset</c> naming the streams that could not be resumed and each
    /// resumed stream's missed events in order. What came before the welcome follows, as if it came now.
    /// </summary>
    private void GoLive()
    {
        var resumption = _streams.Welcome();
        var welcome = ConnectionEvents.Welcome(_connection.ClientId, _settings.ReconnectDelay.Draw());
        Write(resumption.Starts is null ? welcome : welcome with { StartPositions = resumption.Starts });
        _writer.Write(resumption);
        _behaviour = Behaviour.Live;
        // A drop on the way stops the client and empties the queue.
        while (_beforeWelcome is { } waiting && waiting.TryDequeue(out var message))
        {
            Live(message);
        }
        _beforeWelcome = null;
    }

    /// <summary>A live event into the buffer; one that finds no room makes the connection a slow consumer.</summary>
    private void Write(SseEvent sseEvent)
    {
        if (!_writer.Write(sseEvent))
        {
            _metrics.Dropped(_writer.LostWith(sseEvent));
            DropAsSlowConsumer();
        }
    }

    private enum Behaviour : byte
    {
        Subscribing,
        Live,
        Ending,
    }
}
