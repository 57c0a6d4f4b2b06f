using Akka.Actor;
using Sse.Actors.Diagnostics;
using Sse.Actors.History;

namespace Sse.Actors.Streams;

/// <summary>What a stream entity needs to know, whatever its kind.</summary>
/// <param name="EmptyPassivation">How long the entity lives without subscribers.</param>
/// <param name="HistorySize">Events kept for subscribers that resume; 0: history off.</param>
/// <param name="HistoryRetention">With events kept, how long the entity outlives its last subscriber, so a browser that comes back within it resumes.</param>
/// <param name="MaxRemoteReplayBytes">The most bytes of events replayed in one message to a subscriber on another node.</param>
/// <param name="DurableHistory">Write every event to the Akka.Persistence journal before delivering it.</param>
/// <param name="Replicator">History in memory: where it is left when sharding moves the entity (null: it is not).</param>
/// <param name="MaxBacklog">
/// Messages the entity holds (its mailbox, what waits while its history loads, events the durable store has not written yet);
/// past it publishes are dropped unanswered, as is what would wait while the history loads, and their senders retry.
/// </param>
/// <param name="Metrics">Where the entity reports its backlog and what it drops (null: nowhere).</param>
/// <param name="Handover">With a <paramref name="Replicator"/>: how long the hand-off's write and the start's read wait (null: <see cref="History.HandoverTimeouts.Default"/>).</param>
public sealed record StreamEntitySettings(
    TimeSpan EmptyPassivation,
    int HistorySize = 0,
    TimeSpan HistoryRetention = default,
    long MaxRemoteReplayBytes = HistoryRing.MaxRemoteReplayBytes,
    bool DurableHistory = false,
    IActorRef? Replicator = null,
    int MaxBacklog = 10_000,
    SseMetrics? Metrics = null,
    HandoverTimeouts? Handover = null)
{
    /// <summary>The hand-off's timeouts: <see cref="Handover"/>, or the options' defaults.</summary>
    public HandoverTimeouts HandoverTimeouts => Handover ?? HandoverTimeouts.Default;

    /// <summary>How long kept events outlive the stream's last subscriber: the retention, at least the passivation.</summary>
    public TimeSpan HistoryLifetime => HistoryRetention > EmptyPassivation ? HistoryRetention : EmptyPassivation;
}
