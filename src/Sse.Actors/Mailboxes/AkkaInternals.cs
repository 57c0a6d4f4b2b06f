using Akka.Actor;

namespace Sse.Actors.Mailboxes;

/// <summary>
/// The one place the broker relies on Akka.NET beyond its public contract: what an actor's cell knows and the
/// public API does not tell. Each use says why no public API does; <c>AkkaInternalsTests</c> pins the behaviour,
/// so an Akka.NET upgrade that changes it fails there first.
/// </summary>
internal static class AkkaInternals
{
    /// <summary>Messages waiting in the mailbox of <paramref name="actor"/>, an actor of this node.</summary>
    /// <remarks>
    /// Akka.NET has no public mailbox size, and an actor cannot reach its queue (the cell holds it): the entity sheds
    /// publishes by its backlog, and the node reports its broker's as a gauge.
    /// </remarks>
    public static int MailboxSize(IActorRef actor) => ((ActorRefWithCell)actor).Underlying.NumberOfMessages;

    /// <summary>A stash of its own for an actor on a deque-based mailbox (the lean mailbox), made when it is needed.</summary>
    /// <remarks>
    /// Akka makes the stash of an actor that declares one (<see cref="IWithUnboundedStash"/>) as it starts, for its
    /// whole life; the stream entity needs one only while a stored history loads, which most never do. The public
    /// <see cref="StashFactory"/> picks the kind of stash by the type it is given, so it is given the kind itself.
    /// </remarks>
    public static IStash NewStash(IActorContext context) => context.CreateStash(typeof(IWithUnboundedStash));

    /// <summary>True when <paramref name="actor"/>, an actor of this node, has stopped; false for one elsewhere.</summary>
    /// <remarks>
    /// The public way is a death watch, which costs the watched cell its watch tables, and answers later: the entity
    /// asks as it adds a subscriber of its own node, which it does not watch.
    /// </remarks>
    public static bool IsKnownDead(IActorRef actor) =>
#pragma warning disable CS0618 // Obsolete in favour of a watch, which is what this avoids.
        actor.Path.Address.HasLocalScope && actor is IInternalActorRef { IsTerminated: true };
#pragma warning restore CS0618
}
