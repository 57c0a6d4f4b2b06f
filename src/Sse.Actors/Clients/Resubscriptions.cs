using Akka.Actor;
using Akka.Event;
using Sse.Actors.Diagnostics;

namespace Sse.Actors.Clients;

/// <summary>
/// The node's connections that subscribe again, logged as one summary per <see cref="Interval"/> rather than one line per
/// connection: a rebalance or a node that leaves moves entities with thousands of subscribers at once. Each one is a
/// Debug line of its client actor and counts in <c>sse_resubscribes_total</c>.
/// </summary>
internal sealed class Resubscriptions : IExtension
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private readonly LogSummary _summary;

    private Resubscriptions(ExtendedActorSystem system)
    {
        var log = Logging.GetLogger(system, typeof(ClientActor));
        _summary = new LogSummary(Interval, report => Write(log, report));
        system.RegisterOnTermination(_summary.Dispose);
    }

    public static Resubscriptions For(ActorSystem system) => system.WithExtension<Resubscriptions, Provider>();

    /// <param name="reason">One of <see cref="SseMetrics.ResubscribeReasons"/>.</param>
    public void Add(string reason, string detail) => _summary.Add(reason, detail);

    private static void Write(ILoggingAdapter log, LogSummary.Report report)
    {
        if (report.Window is not { } window)
        {
            log.Info("A connection subscribes again ({Reason}): {Detail} (more within {Interval} are summed up in one line)", report.ByReason[0].Key, report.Example, Interval);
            return;
        }
        log.Info("{Count} connections subscribed again in the last {Window} ({Reasons}: their entities stopped or moved, or they skipped ahead); the first: {Detail}",
            report.Count, window, report.Reasons, report.Example);
    }

    private sealed class Provider : ExtensionIdProvider<Resubscriptions>
    {
        public override Resubscriptions CreateExtension(ExtendedActorSystem system) => new(system);
    }
}
