using Akka.Actor;
using Akka.Event;
using Sse.Actors.Broker;
using Sse.Actors.History;
using Sse.Actors.Mailboxes;
using static Sse.Actors.Streams.StreamProtocol;

namespace Sse.Actors.Streams;

/// <summary>
/// The sharded entity of one stream: a user's, a topic's, or the broadcasts'. It keeps the stream's audience
/// (<see cref="IStreamAudience"/>: subscribers on every node, grouped by delivery, or every delivery through pub-sub) and hands each
/// event to it, through the stream's history (<see cref="IStreamHistory"/>: none, in memory, or a journal),
/// which numbers and keeps it with history on. An entity with subscribers is never passivated; one that stays
/// empty for <c>EmptyEntityPassivation</c> (or the history's retention) asks its shard to passivate it.
/// </summary>
/// <remarks>
/// <para>
/// This file holds its states: starting (the history loads), serving, passivating and stopping. What they do is beside
/// it, by concern: <c>StreamEntity.Publishing.cs</c> (record, shed, answer), <c>StreamEntity.Subscriptions.cs</c> and
/// <c>StreamEntity.Passivation.cs</c>.
/// </para>
/// <para>
/// Death watch only across nodes, where a message can be lost: the entity watches each other node's delivery of its
/// stream, and that delivery watches it. On its own node a subscriber unsubscribes as it stops (through the region, after
/// its subscriptions), and the entity tells the node's delivery <see cref="EntityStopped"/> as it stops: a node holds one
/// entity and one client per connection, and a watch costs each cell its watch tables.
/// </para>
/// </remarks>
public sealed partial class StreamEntity : UntypedActor, IStreamHistoryOwner
{
    private readonly StreamKey _stream;
    private readonly StreamEntitySettings _settings;
    private readonly IStreamAudience _audience;
    private readonly IStreamHistory _history;
    private readonly QuorumFence _fence;
    private int _stashed;
    // Made only while a stored history loads: without one (most nodes) no entity needs a stash.
    private IStash? _stash;

    public StreamEntity(StreamKey stream, StreamEntitySettings settings)
    {
        _stream = stream;
        _settings = settings;
        _audience = IStreamAudience.For(stream, Context);
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
        CheckPassivationAfter(_settings.EmptyPassivation);
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

    void IStreamHistoryOwner.Started()
    {
        Context.Become(OnReceive);
        _stash?.UnstashAll();
        _stash = null;
        _stashed = 0;
    }

    /// <summary>Serving. One switch instead of ReceiveActor's handler objects: a node holds one entity per online user.</summary>
    protected override void OnReceive(object message)
    {
        if (_history.Receive(message))
        {
            return;
        }
        switch (message)
        {
            case PublishToStream m:
                Publish(m);
                break;
            case SubscribeToStream m when IsOverItsUserLimit(m):
                // A new connection over its user's limit, counted on every node: refused before its first byte.
                m.Subscriber.Tell(new SubscriptionRefused(_stream, _audience.Count));
                break;
            case SubscribeToStream m:
                Subscribe(m);
                break;
            case UnsubscribeFromStream m:
                Unsubscribe(m.Subscriber);
                break;
            case Terminated t:
                Lost(t.ActorRef);
                break;
            case BrokerQueries.GetUserConnectionCount m:
                Sender.Tell(new BrokerQueries.UserConnectionCount(m.UserId, _audience.Count));
                break;
            case PassivateIfEmpty:
                PassivateIfStillEmpty();
                break;
            case ForgetAndStop:
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
            case ForgetAndStop:
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

    void IStreamHistoryOwner.Finished() => Context.Stop(Self);
}
