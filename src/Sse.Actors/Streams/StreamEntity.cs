using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Sse.Actors.Broker;
using Sse.Actors.Diagnostics;
using Sse.Actors.Events;
using Sse.Actors.History;
using Sse.Actors.Mailboxes;
using static Sse.Actors.Streams.StreamProtocol;

namespace Sse.Actors.Streams;

// A little over 250 lines on purpose: its four states (starting, serving, passivating, stopping) read best together.

/// <summary>
/// The sharded entity of one stream: a user's, a topic's, or the broadcasts'. It keeps the stream's audience
/// (<see cref="IStreamAudience"/>: subscribers on every node, or every node's broker) and hands each
/// event to it, through the stream's history (<see cref="IStreamHistory"/>: none, in memory, or a journal),
/// which numbers and keeps it with history on. An entity with subscribers is never passivated; one that stays
/// empty for <c>EmptyEntityPassivation</c> (or the history's retention) asks its shard to passivate it.
/// </summary>
/// <remarks>
/// Death watch only across nodes, where a message can be lost: the entity watches its subscribers on other nodes, and
/// they watch it. On its own node a subscriber unsubscribes as it stops (through the region, after its subscriptions),
/// and the entity tells it <see cref="EntityStopped"/> as it stops: a node holds one entity and one client per
/// connection, and a watch costs each cell its watch tables.
/// </remarks>
public sealed class StreamEntity : UntypedActor, IStreamHistoryOwner
{
    private readonly StreamKey _stream;
    private readonly StreamEntitySettings _settings;
    private readonly IStreamAudience _audience;
    private readonly IStreamHistory _history;
    private readonly QuorumFence _fence;
    // When the entity last had no subscriber: passivation counts from there.
    private long _emptySince = Stopwatch.GetTimestamp();
    private int _stashed;
    // Made only while a stored history loads: without one (most nodes) no entity needs a stash.
    private IStash? _stash;
    // Publishes dropped in the current overload; 0 when not overloaded.
    private long _shed;
    // Publishes dropped since the node was last seen to hear a majority.
    private long _fenced;
    // Pending only while the entity is empty: a node holds one entity per online user, so no timer scheduler each.
    private ICancelable? _passivation;

    public StreamEntity(StreamKey stream, StreamEntitySettings settings)
    {
        _stream = stream;
        _settings = settings;
        _audience = IStreamAudience.For(stream, Context.System);
        _history = StreamHistories.For(settings, this);
        _fence = QuorumFence.For(Context.System);
    }

    public static DirectProps Props(StreamKey stream, StreamEntitySettings settings) =>
        DirectProps.Of((stream, settings), static args => new StreamEntity(args.stream, args.settings));

    IActorContext IStreamHistoryOwner.Context => Context;

    StreamKey IStreamHistoryOwner.Stream => _stream;

    protected override void PreStart()
    {
        _settings.Metrics?.EntityStarted(_stream.Kind);
        PassivateAfter(_settings.EmptyPassivation);
        if (_history.Start())
        {
            // The entity runs on the lean mailbox, which can put messages back at its head.
            _stash = AkkaInternals.NewStash(Context);
            Context.Become(Starting);
        }
    }

    protected override void PostStop()
    {
        _passivation?.Cancel();
        _audience.Stopped(Self);
        _settings.Metrics?.EntityStopped(_stream.Kind);
    }

    /// <summary>
    /// A failure stops the entity rather than let its supervisor restart it: a restarted entity would keep its
    /// reference but lose its subscribers, who would not know. Stopped, it tells them (or their watch sees it); they
    /// subscribe again and the next incarnation starts from the stream's history.
    /// </summary>
    protected override bool AroundReceive(Receive receive, object message)
    {
        try
        {
            return base.AroundReceive(receive, message);
        }
        catch (Exception e)
        {
            Context.GetLogger().Error(e, "The {Kind} entity {Entity} failed on {Message}; it stops and its subscribers subscribe again",
                _stream.Kind, _stream.EntityId, message.GetType().Name);
            Context.Stop(Self);
            return true;
        }
    }

    // One switch instead of ReceiveActor's handler objects: a node holds one entity per online user.
    protected override void OnReceive(object message)
    {
        if (_history.Receive(message))
        {
            return;
        }
        switch (message)
        {
            case PublishToStream when Overloaded():
                // Unanswered: the publisher is refused after its timeout and retries, by then maybe recorded once.
                _shed++;
                _settings.Metrics?.Shed(SseMetrics.ShedAt.Stream, 1);
                break;
            case PublishToStream m:
                Record(m);
                break;
            case SubscribeToStream { MaxSubscribers: > 0 } m when _audience.Count >= m.MaxSubscribers && !_audience.Contains(m.Subscriber):
                // A new connection over its user's limit, counted on every node: refused before its first byte.
                m.Subscriber.Tell(new SubscriptionRefused(_stream, _audience.Count));
                break;
            case SubscribeToStream m:
                Subscribe(m.Subscriber, m.From);
                break;
            case UnsubscribeFromStream m:
                Unsubscribe(m.Subscriber);
                break;
            case Terminated t:
                Unsubscribe(t.ActorRef);
                break;
            case BrokerQueries.GetUserConnectionCount m:
                Sender.Tell(new BrokerQueries.UserConnectionCount(m.UserId, _audience.Count));
                break;
            case PassivateIfEmpty:
                Passivate();
                break;
            case RetentionOver:
                StopAfter(_history.Forget());
                break;
            case StopForHandOff:
                StopAfter(_history.HandOff());
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    /// <summary>
    /// Nothing is served before the history has loaded. What waits is bounded: past the bound a message is dropped
    /// unanswered (a publish is not recorded, a subscription not acknowledged), and its sender retries.
    /// </summary>
    private void Starting(object message)
    {
        if (_history.Receive(message))
        {
            return;
        }
        if (_stashed == _settings.MaxBacklog)
        {
            Context.GetLogger().Warning("The {Kind} entity {Entity} holds {Count} messages while its history loads; dropping what comes next until it has",
                _stream.Kind, _stream.EntityId, _stashed);
        }
        if (_stashed++ >= _settings.MaxBacklog)
        {
            return;
        }
        _stash!.Stash();
    }

    /// <summary>
    /// Records the event unless its publisher has stopped waiting (it is told the outcome is unknown; recording it now would
    /// go behind what it sent next) or this node is fenced off the cluster (<see cref="QuorumFence"/>): both are dropped
    /// unanswered, and a retry with the same message id reaches the stream wherever it lives by then.
    /// </summary>
    private void Record(PublishToStream publish)
    {
        if (publish.RecordBy is { } recordBy && DateTime.UtcNow >= recordBy)
        {
            _settings.Metrics?.Shed(SseMetrics.ShedAt.Expired, 1);
            return;
        }
        if (!_fence.IsOpen)
        {
            _settings.Metrics?.Shed(SseMetrics.ShedAt.Fenced, 1);
            if (_fenced++ == 0)
            {
                Context.GetLogger().Warning("The {Kind} entity {Entity} records nothing: this node does not hear a majority of the cluster (frozen, paused or cut off); its publishes are dropped unanswered",
                    _stream.Kind, _stream.EntityId);
            }
            return;
        }
        _fenced = 0;
        _history.Publish(publish.Event, Sender);
    }

    /// <summary>
    /// More than <c>MaxBacklog</c> messages wait (its mailbox, and with the durable store the events not written yet): the
    /// publisher outruns the stream, which drops publishes until it has caught up rather than grow without bound.
    /// </summary>
    private bool Overloaded()
    {
        var backlog = AkkaInternals.MailboxSize(Self) + _history.Unwritten;
        _settings.Metrics?.StreamBacklog(backlog);
        if (backlog >= _settings.MaxBacklog)
        {
            if (_shed == 0)
            {
                Context.GetLogger().Warning("The {Kind} entity {Entity} holds {Backlog} messages (Sse:Limits:MaxStreamBacklog); it drops publishes until it has caught up, and their publishers are refused",
                    _stream.Kind, _stream.EntityId, backlog);
            }
            return true;
        }
        if (_shed > 0)
        {
            Context.GetLogger().Info("The {Kind} entity {Entity} caught up; it dropped {Shed} publishes", _stream.Kind, _stream.EntityId, _shed);
            _shed = 0;
        }
        return false;
    }

    /// <summary>The history finishes (the last writes, the hand-off snapshot); sharding waits for the stop.</summary>
    private void Stopping(object message) => _history.Receive(message);

    private void StopAfter(bool historyFinishesFirst)
    {
        if (historyFinishesFirst)
        {
            Context.Become(Stopping);
        }
        else
        {
            Context.Stop(Self);
        }
    }

    void IStreamHistoryOwner.Recorded(SseEvent sseEvent, IActorRef publisher)
    {
        _audience.Deliver(sseEvent);
        Answer(publisher, sseEvent.Id, sseEvent.Id);
    }

    void IStreamHistoryOwner.Repeated(string publishedId, string recordedAs, IActorRef publisher) => Answer(publisher, publishedId, recordedAs);

    private void Answer(IActorRef publisher, string publishedId, string recordedAs)
    {
        // A publisher that told without a sender (fire-and-forget) waits for no answer.
        if (!publisher.IsNobody() && !publisher.Equals(Context.System.DeadLetters))
        {
            publisher.Tell(new EventRecorded(_stream, publishedId, recordedAs));
        }
    }

    void IStreamHistoryOwner.Started()
    {
        Context.Become(OnReceive);
        _stash?.UnstashAll();
        _stash = null;
        _stashed = 0;
    }

    void IStreamHistoryOwner.Finished() => Context.Stop(Self);

    /// <summary>
    /// Adds (or confirms again) a subscriber and acknowledges it, so a retried subscribe is harmless. With history
    /// on the acknowledgement carries what the subscriber missed: given in the same receive that adds it, so
    /// nothing falls between the replay and the live events.
    /// </summary>
    private void Subscribe(IActorRef subscriber, StreamPosition? from)
    {
        // Stopped before its subscription arrived (its unsubscribe lost in a full backlog while the history loaded): kept, it
        // would never be removed. Exact for a reference on this node, which is what a watch would have asked.
        if (AkkaInternals.IsKnownDead(subscriber))
        {
            return;
        }
        var remote = !subscriber.Path.Address.HasLocalScope;
        if (_audience.Add(subscriber))
        {
            if (remote)
            {
                Context.Watch(subscriber);
            }
            _passivation?.Cancel();
            _passivation = null;
        }
        var maxBytes = remote ? _settings.MaxRemoteReplayBytes : long.MaxValue;
        subscriber.Tell(new SubscribedToStream(_stream, _history.ReplayAfter(from, maxBytes)));
    }

    private void Unsubscribe(IActorRef subscriber)
    {
        if (!_audience.Remove(subscriber))
        {
            return;
        }
        if (!subscriber.Path.Address.HasLocalScope)
        {
            Context.Unwatch(subscriber);
        }
        if (_audience.IsEmpty)
        {
            _emptySince = Stopwatch.GetTimestamp();
            PassivateAfter(EmptyLifetime);
        }
    }

    private void Passivate()
    {
        if (!_audience.IsEmpty)
        {
            return;
        }
        var left = EmptyLifetime - Stopwatch.GetElapsedTime(_emptySince);
        if (left > TimeSpan.Zero)
        {
            // Events arrived since the timer started: their history is kept for the retention.
            PassivateAfter(left);
            return;
        }
        _passivation = null;
        Context.Parent.Tell(new Passivate(RetentionOver.Instance));
        Context.Become(Passivating);
    }

    /// <summary>
    /// The shard was asked to passivate the entity. What still arrives goes back to the shard, which keeps it
    /// for the next incarnation: an entity about to stop acknowledges no subscription and records no event.
    /// </summary>
    private void Passivating(object message)
    {
        if (_history.Receive(message))
        {
            return;
        }
        switch (message)
        {
            case RetentionOver:
                StopAfter(_history.Forget());
                break;
            case IStreamMessage:
                // After the Passivate, from the same sender: the shard has begun passivating and buffers it.
                Context.Parent.Forward(message);
                break;
            case StopForHandOff:
                StopAfter(_history.HandOff());
                break;
        }
    }

    /// <summary>Checks for passivation after <paramref name="delay"/>; a check asked for earlier is replaced (one that was already sent finds the entity busy, or reschedules).</summary>
    private void PassivateAfter(TimeSpan delay)
    {
        _passivation?.Cancel();
        _passivation = Context.System.Scheduler.ScheduleTellOnceCancelable(delay, Self, PassivateIfEmpty.Instance, Self);
    }

    /// <summary>How long the entity lives without subscribers: longer while its history has events to replay.</summary>
    private TimeSpan EmptyLifetime =>
        _history.HoldsEvents ? _settings.HistoryLifetime : _settings.EmptyPassivation;

    private sealed class PassivateIfEmpty : INoSerializationVerificationNeeded
    {
        public static readonly PassivateIfEmpty Instance = new();
    }

    /// <summary>What the shard sends back once it passivates the entity: the history is forgotten with it.</summary>
    private sealed class RetentionOver : INoSerializationVerificationNeeded
    {
        public static readonly RetentionOver Instance = new();
    }
}
