using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster.Sharding;

namespace Sse.Actors.Streams;

// The passivation of the stream entity: only once it has stayed empty for its lifetime.
public sealed partial class StreamEntity
{
    // When the entity last had no subscriber: passivation counts from there.
    private long _emptySince = Stopwatch.GetTimestamp();
    // Pending only while the entity is empty: a node holds one entity per online user, so no timer scheduler each.
    private ICancelable? _passivation;

    /// <summary>How long the entity lives without subscribers: longer while its history has events to replay.</summary>
    private TimeSpan EmptyLifetime =>
        _history.HoldsEvents ? _settings.HistoryLifetime : _settings.EmptyPassivation;

    /// <summary>A subscriber came: an entity with subscribers is never passivated.</summary>
    private void CancelPassivation()
    {
        _passivation?.Cancel();
        _passivation = null;
    }

    /// <summary>The last subscriber left: the entity passivates once it has stayed empty for its lifetime.</summary>
    private void BecameEmpty()
    {
        _emptySince = Stopwatch.GetTimestamp();
        CheckPassivationAfter(EmptyLifetime);
    }

    /// <summary>Asks the shard to passivate the entity if it is still empty and has been for its lifetime; checks again later if not for long enough.</summary>
    private void PassivateIfStillEmpty()
    {
        if (!_audience.IsEmpty)
        {
            return;
        }
        var left = EmptyLifetime - Stopwatch.GetElapsedTime(_emptySince);
        if (left > TimeSpan.Zero)
        {
            // Events arrived since the timer started: their history is kept for the retention.
            CheckPassivationAfter(left);
            return;
        }
        _passivation = null;
        Context.Parent.Tell(new Passivate(ForgetAndStop.Instance));
        Context.Become(Passivating);
    }

    /// <summary>Checks for passivation after <paramref name="delay"/>; a check asked for earlier is replaced (one that was already sent finds the entity busy, or reschedules).</summary>
    private void CheckPassivationAfter(TimeSpan delay)
    {
        _passivation?.Cancel();
        _passivation = Context.System.Scheduler.ScheduleTellOnceCancelable(delay, Self, PassivateIfEmpty.Instance, Self);
    }

    private sealed class PassivateIfEmpty : INoSerializationVerificationNeeded
    {
        public static readonly PassivateIfEmpty Instance = new();
    }

    /// <summary>What the shard sends back once it passivates the entity: the history is forgotten, and the entity stops.</summary>
    private sealed class ForgetAndStop : INoSerializationVerificationNeeded
    {
        public static readonly ForgetAndStop Instance = new();
    }
}
