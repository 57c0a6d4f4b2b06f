using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;
using static Sse.Actors.Streams.StreamProtocol;

namespace Sse.Actors.Broker;

/// <summary>
/// Waits for streams to record published events without an <c>Ask</c> (a temporary actor and a timer) per
/// publish: one actor per node is the sender of every publish and completes the publish's task when the
/// stream's <see cref="EventRecorded"/> comes back, and its one periodic tick fails the waits whose time is up.
/// Event ids are unique on the node, so they key the waits.
/// </summary>
internal sealed class PublishReceipts : IExtension
{
    // How often waits are checked for their deadline: a refusal comes at most this much after Sse:PublishTimeout.
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    private readonly ConcurrentDictionary<string, Receipt> _pending = new(StringComparer.Ordinal);
    private readonly IActorRef _receiver;

    public PublishReceipts(ExtendedActorSystem system) =>
        _receiver = system.SystemActorOf(Props.Create(() => new Receiver(_pending)), "sse-publish-receipts");

    public static PublishReceipts For(ActorSystem system) => system.WithExtension<PublishReceipts, Provider>();

    /// <summary>
    /// Tells the stream's region the publish; completes once recorded with the id the stream keeps (the first one's
    /// for a retry of a recorded message), or throws <see cref="PublishTimeoutException"/> after <paramref name="timeout"/>.
    /// </summary>
    public async Task<string> RecordAsync(IActorRef region, PublishToStream publish, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var receipt = new Receipt(publish.Stream.Label, timeout, Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency));
        _pending[publish.Event.Id] = receipt;
        try
        {
            region.Tell(publish, _receiver);
            return await (cancellationToken.CanBeCanceled ? receipt.Recorded.Task.WaitAsync(cancellationToken) : receipt.Recorded.Task);
        }
        finally
        {
            _pending.TryRemove(publish.Event.Id, out _);
        }
    }

    private sealed record Receipt(string Stream, TimeSpan Timeout, long Deadline)
    {
        public TaskCompletionSource<string> Recorded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Receiver : UntypedActor, IWithTimers
    {
        private readonly ConcurrentDictionary<string, Receipt> _pending;

        public Receiver(ConcurrentDictionary<string, Receipt> pending) => _pending = pending;

        public ITimerScheduler Timers { get; set; } = null!;

        protected override void PreStart() => Timers.StartPeriodicTimer("deadlines", CheckDeadlines.Instance, Tick);

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case EventRecorded recorded when _pending.TryGetValue(recorded.EventId, out var receipt):
                    receipt.Recorded.TrySetResult(recorded.RecordedAs);
                    break;
                case CheckDeadlines:
                    var now = Stopwatch.GetTimestamp();
                    foreach (var (_, receipt) in _pending)
                    {
                        if (receipt.Deadline <= now)
                        {
                            receipt.Recorded.TrySetException(new PublishTimeoutException(receipt.Stream, receipt.Timeout));
                        }
                    }
                    break;
            }
        }
    }

    private sealed class CheckDeadlines : INoSerializationVerificationNeeded
    {
        public static readonly CheckDeadlines Instance = new();
    }

    private sealed class Provider : ExtensionIdProvider<PublishReceipts>
    {
        public override PublishReceipts CreateExtension(ExtendedActorSystem system) => new(system);
    }
}
