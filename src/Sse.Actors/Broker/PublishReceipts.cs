using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.RateLimiting;
using Akka.Actor;
using Akka.Hosting;
using Sse.Actors.Settings;
using Sse.Actors.Streams;
using static Sse.Actors.Streams.StreamProtocol;

namespace Sse.Actors.Broker;

/// <param name="MaxPending">How many publishes may wait for their streams at once on the node (<c>Sse:Limits:MaxPendingPublishes</c>).</param>
internal sealed record PublishReceiptsSettings(int MaxPending);

/// <summary>
/// Waits for streams to record published events without an <c>Ask</c> (a temporary actor and a timer) per
/// publish: one actor per node is the sender of every publish and completes the publish's task when the
/// stream's <see cref="EventRecorded"/> comes back, and its one periodic tick ends the waits whose time is up.
/// A batch is one wait for all its events. Event ids are unique on the node, so they key the waits.
/// At most <see cref="MaxPending"/> publishes wait at once: past it a publish waits for room before it is sent, so a
/// publisher that outruns its streams gets slower answers, then refusals, instead of filling their mailboxes.
/// </summary>
internal sealed class PublishReceipts : INodeExtension<PublishReceiptsSettings>
{
    // How often waits are checked for their deadline: a refusal comes at most this much after Sse:PublishTimeout.
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    private readonly ConcurrentDictionary<string, Slot> _pending = new(StringComparer.Ordinal);
    private readonly IActorRef _receiver;
    // Publishes waiting for their streams hold a permit each; past the limit a publish queues for one, as long as it may wait.
    private readonly ConcurrencyLimiter _gate;

    private PublishReceipts(ExtendedActorSystem system, PublishReceiptsSettings settings)
    {
        Settings = settings;
        _gate = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = MaxPending,
            QueueLimit = MaxPending,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        _receiver = system.SystemActorOf(Props.Create(() => new Receiver(_pending)), "sse-publish-receipts");
    }

    public PublishReceiptsSettings Settings { get; }

    /// <summary>How many publishes may wait for their streams at once on this node.</summary>
    public int MaxPending => Settings.MaxPending;

    /// <summary>Publishes waiting for their streams on this node, and those waiting for room to be sent.</summary>
    public long Pending => _gate.GetStatistics() is { } statistics ? MaxPending - statistics.CurrentAvailablePermits + statistics.CurrentQueuedCount : 0;

    /// <summary>Starts the node's receipts; the broker does as it starts, before anything publishes.</summary>
    public static PublishReceipts Start(ActorSystem system, PublishReceiptsSettings settings) =>
        NodeExtension.Start(system, settings, (extended, given) => new PublishReceipts(extended, given));

    /// <inheritdoc cref="NodeExtension.Of"/>
    public static PublishReceipts For(ActorSystem system) => NodeExtension.Of<PublishReceipts>(system);

    /// <summary>
    /// Tells the stream's region the publish; completes once recorded with the id the stream keeps (the first one's
    /// for a retry of a recorded message); throws <see cref="PublishOutcomeUnknownException"/> when no answer came within
    /// <paramref name="timeout"/>, or <see cref="PublishTimeoutException"/> when it was never sent (no room all that time).
    /// </summary>
    public async Task<string> RecordAsync(IActorRef region, PublishToStream publish, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var recordedAs = new string?[1];
        var sent = await RecordAllAsync([publish], _ => region, recordedAs, timeout, cancellationToken);
        return recordedAs[0] ?? throw NotRecorded(publish, timeout, sent);
    }

    /// <summary>What a publish that has no recorded id after <paramref name="timeout"/> is: never sent, or of unknown outcome.</summary>
    public static TimeoutException NotRecorded(PublishToStream publish, TimeSpan timeout, bool sent) => sent
        ? new PublishOutcomeUnknownException(publish.Stream.Label, timeout)
        : new PublishTimeoutException(publish.Stream.Label, timeout);

    /// <summary>
    /// Tells each publish to its stream's region, in order, then waits once for all of them: completes when every
    /// one is recorded or <paramref name="timeout"/> has passed. <paramref name="recordedAs"/>[i] is then the id
    /// publish i was recorded as, or null when it was not recorded in time (or the publish was null: nothing to send).
    /// False when nothing was sent: the node had <see cref="MaxPending"/> publishes waiting for the whole timeout.
    /// </summary>
    public async Task<bool> RecordAllAsync(IReadOnlyList<PublishToStream?> publishes, Func<StreamKey, IActorRef> regionFor, string?[] recordedAs, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var count = 0;
        foreach (var publish in publishes)
        {
            count += publish is null ? 0 : 1;
        }
        if (count == 0)
        {
            return true;
        }
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        // The entity drops what reaches it after this: the wait below ends at the same moment (by the monotonic clock here),
        // so nothing is recorded after its publisher was answered, give or take the nodes' clock skew.
        var recordBy = DateTime.UtcNow + timeout;
        // A batch larger than the bound waits for the whole bound.
        using var permits = _gate.AttemptAcquire(Math.Min(count, MaxPending)) is { IsAcquired: true } lease
            ? lease
            : await WaitForRoomAsync(Math.Min(count, MaxPending), timeout, cancellationToken);
        if (!permits.IsAcquired)
        {
            return false;
        }
        var receipt = new Receipt(recordedAs, count, deadline);
        try
        {
            for (var i = 0; i < publishes.Count; i++)
            {
                if (publishes[i] is { } publish)
                {
                    _pending[publish.Event.Id] = new Slot(receipt, i);
                    regionFor(publish.Stream).Tell(publish with { RecordBy = recordBy }, _receiver);
                }
            }
            await (cancellationToken.CanBeCanceled ? receipt.Done.Task.WaitAsync(cancellationToken) : receipt.Done.Task);
            return true;
        }
        finally
        {
            foreach (var publish in publishes)
            {
                if (publish is not null)
                {
                    _pending.TryRemove(publish.Event.Id, out _);
                }
            }
        }
    }

    /// <summary>Waits for room among the pending publishes, within the publish timeout; a lease not acquired when there is none.</summary>
    private async Task<RateLimitLease> WaitForRoomAsync(int permits, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var waited = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        waited.CancelAfter(timeout);
        try
        {
            return await _gate.AcquireAsync(permits, waited.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return NoRoom.Instance;
        }
    }

    /// <summary>Where an event's answer goes: publish <see cref="Index"/> of a send's <see cref="Receipt"/>.</summary>
    private readonly record struct Slot(Receipt Receipt, int Index);

    /// <summary>One send's wait, for one event or a whole batch. Only the receiver writes to it, so it needs no locks.</summary>
    private sealed class Receipt(string?[] recordedAs, int count, long deadline)
    {
        private int _remaining = count;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Recorded(int index, string eventId)
        {
            // Nothing is written once the send has its answer: the caller reads the ids from then on.
            if (Done.Task.IsCompleted || recordedAs[index] is not null)
            {
                return;
            }
            recordedAs[index] = eventId;
            if (--_remaining == 0)
            {
                Done.TrySetResult();
            }
        }

        public void ExpireAt(long now)
        {
            if (deadline <= now)
            {
                Done.TrySetResult();
            }
        }
    }

    private sealed class Receiver : UntypedActor, IWithTimers
    {
        private readonly ConcurrentDictionary<string, Slot> _pending;

        public Receiver(ConcurrentDictionary<string, Slot> pending) => _pending = pending;

        public ITimerScheduler Timers { get; set; } = null!;

        protected override void PreStart() => Timers.StartPeriodicTimer("deadlines", CheckDeadlines.Instance, Tick);

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case EventRecorded recorded when _pending.TryGetValue(recorded.EventId, out var slot):
                    slot.Receipt.Recorded(slot.Index, recorded.RecordedAs);
                    break;
                case CheckDeadlines:
                    var now = Stopwatch.GetTimestamp();
                    foreach (var (_, slot) in _pending)
                    {
                        slot.Receipt.ExpireAt(now);
                    }
                    break;
            }
        }
    }

    private sealed class NoRoom : RateLimitLease
    {
        public static readonly NoRoom Instance = new();

        public override bool IsAcquired => false;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }

    private sealed class CheckDeadlines : INoSerializationVerificationNeeded
    {
        public static readonly CheckDeadlines Instance = new();
    }
}

internal static class PublishReceiptsConfiguration
{
    /// <summary>Starts the node's <see cref="PublishReceipts"/> as the actor system starts; before anything publishes.</summary>
    public static AkkaConfigurationBuilder WithPublishReceipts(this AkkaConfigurationBuilder builder, PublishReceiptsSettings settings) =>
        builder.WithActors((system, _) => PublishReceipts.Start(system, settings));
}
