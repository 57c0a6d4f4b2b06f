using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Sse.Actors.Events;

namespace Sse.Actors.Subscriptions;

/// <summary>
/// The shared body of the sharded stream entities: a set of watched subscribers and a fan-out.
/// An entity with subscribers is never passivated; one that stays empty for
/// <c>EmptyEntityPassivation</c> asks its shard to passivate it, so memory follows live streams.
/// </summary>
public abstract class SubscriberSetActor : ReceiveActor, IWithTimers
{
    private const string PassivateTimer = "passivate-when-empty";
    private readonly HashSet<IActorRef> _subscribers = [];
    private readonly TimeSpan _emptyPassivation;

    protected SubscriberSetActor(TimeSpan emptyPassivation)
    {
        _emptyPassivation = emptyPassivation;
        Receive<Terminated>(t => RemoveSubscriber(t.ActorRef));
        Receive<PassivateIfEmpty>(_ =>
        {
            if (_subscribers.Count == 0)
            {
                Context.Parent.Tell(new Passivate(PoisonPill.Instance));
            }
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected ILoggingAdapter Log { get; } = Context.GetLogger();

    protected int SubscriberCount => _subscribers.Count;

    protected override void PreStart() => Timers.StartSingleTimer(PassivateTimer, PassivateIfEmpty.Instance, _emptyPassivation);

    /// <summary>Adds (or confirms again) a subscriber and acknowledges it, so a retried subscribe is harmless.</summary>
    protected void AddSubscriber(IActorRef subscriber, object acknowledgement)
    {
        if (_subscribers.Add(subscriber))
        {
            Context.Watch(subscriber);
            Timers.Cancel(PassivateTimer);
        }
        subscriber.Tell(acknowledgement);
    }

    protected void RemoveSubscriber(IActorRef subscriber)
    {
        if (!_subscribers.Remove(subscriber))
        {
            return;
        }
        Context.Unwatch(subscriber);
        if (_subscribers.Count == 0)
        {
            Timers.StartSingleTimer(PassivateTimer, PassivateIfEmpty.Instance, _emptyPassivation);
        }
    }

    /// <summary>Hands the same encoded event to every subscriber; a slow one drops itself, nobody waits.</summary>
    protected void Deliver(SseEvent sseEvent)
    {
        foreach (var subscriber in _subscribers)
        {
            subscriber.Tell(sseEvent);
        }
    }

    private sealed class PassivateIfEmpty : INoSerializationVerificationNeeded
    {
        public static readonly PassivateIfEmpty Instance = new();
    }
}
