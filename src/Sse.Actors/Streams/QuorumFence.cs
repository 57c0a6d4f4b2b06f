using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;

namespace Sse.Actors.Streams;

/// <summary>
/// Whether this node may record events: only while it is a member that hears a majority of the nodes it monitors, by its
/// failure detector at this moment. A node frozen (SIGSTOP, a long GC pause, a VM migration) or cut off for longer than
/// <c>Sse:Cluster:FailureDetectionPause</c> finds on waking that it has heard nobody for that long, before it reads anything
/// queued, so its entities record nothing of what waited in their mailboxes: the rest of the cluster may already have
/// downed it and started those streams elsewhere. docs/cluster.md says why this fence and not another.
/// </summary>
/// <remarks>
/// The failure detector computes availability from the time since the last heartbeat answer, on the monotonic clock,
/// which runs on while the process is stopped. It can recover only from answers to heartbeats sent after waking, and the
/// other nodes stop answering once they have removed (and quarantined) the downed node; a stream's next incarnation starts
/// only after that removal. Unmonitored members (clusters larger than <c>monitored-by-nr-of-members</c>) are not counted.
/// </remarks>
internal sealed class QuorumFence : IExtension
{
    // How long a verdict is reused: far shorter than any pause that matters, and a frozen node's clock has moved past it on waking.
    private static readonly long ReuseFor = Stopwatch.Frequency / 20;

    // Null in an actor system without clustering (an entity under a unit test): a node alone is always its own majority.
    private readonly Akka.Cluster.Cluster? _cluster;
    private long _checkedAt = long.MinValue;
    private bool _open;

    public QuorumFence(ExtendedActorSystem system) =>
        _cluster = system.Provider is IClusterActorRefProvider ? Akka.Cluster.Cluster.Get(system) : null;

    public static QuorumFence For(ActorSystem system) => system.WithExtension<QuorumFence, Provider>();

    /// <summary>True while this node may record; false while it hears fewer than a majority of its monitored members, or is down.</summary>
    public bool IsOpen
    {
        get
        {
            var now = Stopwatch.GetTimestamp();
            var age = now - Volatile.Read(ref _checkedAt);
            if (age >= 0 && age < ReuseFor)
            {
                return _open;
            }
            var open = HearsMajority();
            _open = open;
            Volatile.Write(ref _checkedAt, now);
            return open;
        }
    }

    private bool HearsMajority()
    {
        if (_cluster is null)
        {
            return true;
        }
        // Removed: the cluster's daemon has shut down. (A node that has not joined yet reads as Removed too, and hosts no shard.)
        if (_cluster.IsTerminated || _cluster.SelfMember.Status == MemberStatus.Down)
        {
            return false;
        }
        var detector = _cluster.FailureDetector;
        var self = _cluster.SelfAddress;
        int monitored = 0, heard = 0;
        // As keep-majority decides a tie: the half with the lowest address stays.
        Address lowest = self, lowestHeard = self;
        foreach (var member in _cluster.State.Members)
        {
            if (member.Status == MemberStatus.Down || member.Address.Equals(self) || !detector.IsMonitoring(member.Address))
            {
                continue;
            }
            monitored++;
            var available = detector.IsAvailable(member.Address);
            heard += available ? 1 : 0;
            lowest = Lower(lowest, member.Address);
            lowestHeard = available ? Lower(lowestHeard, member.Address) : lowestHeard;
        }
        // Itself and those it hears, out of itself and those it monitors: a strict majority, or half with the lowest address.
        var (side, all) = (2 * (heard + 1), monitored + 1);
        return side > all || (side == all && lowestHeard.Equals(lowest));
    }

    private static Address Lower(Address a, Address b) => Member.AddressOrdering.Compare(a, b) <= 0 ? a : b;

    private sealed class Provider : ExtensionIdProvider<QuorumFence>
    {
        public override QuorumFence CreateExtension(ExtendedActorSystem system) => new(system);
    }
}
