using Akka.Actor;

namespace Sse.Actors.Broker;

/// <summary>
/// How the broker supervises its clients: a failed client is stopped, never restarted (its response cannot be
/// resumed), and every stopped child is reported to <paramref name="stopped"/>, on the broker's own turn. The parent
/// hears of its children's end anyway, so the broker needs no death watch of its connections, which would cost
/// each client's cell its watch tables.
/// </summary>
internal sealed class ClientSupervision(Action<IActorRef> stopped) : OneForOneStrategy(_ => Directive.Stop)
{
    public override void HandleChildTerminated(IActorContext actorContext, IActorRef child, IEnumerable<IInternalActorRef> children) =>
        stopped(child);
}
