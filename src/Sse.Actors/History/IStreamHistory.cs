using Akka.Actor;
using Sse.Actors.Events;
using Sse.Actors.Streams;

namespace Sse.Actors.History;

/// <summary>
/// How a stream entity keeps its events for the subscribers that resume: the entity's one seam for
/// history, with one class per strategy (<see cref="NoHistory"/>, <see cref="MemoryHistory"/> with its
/// hand-off, <see cref="JournalHistory"/>). The entity stays its protocol; the history owns its numbering,
/// its start-up and what must happen before the entity stops.
/// </summary>
internal interface IStreamHistory
{
    /// <summary>Called as the entity starts; true when the entity must wait (stash) until the history calls <see cref="IStreamHistoryOwner.Started"/>.</summary>
    bool Start();

    /// <summary>Handles a message addressed to the history itself (a journal's or replicator's answer); false for any other.</summary>
    bool Receive(object message);

    /// <summary>Numbers and keeps the event (written first when durable), then hands it to <see cref="IStreamHistoryOwner.Recorded"/>.</summary>
    void Publish(SseEvent sseEvent, IActorRef publisher);

    /// <summary>What a subscriber missed after <paramref name="from"/>, in at most <paramref name="maxBytes"/> of events; null with history off.</summary>
    StreamReplay? ReplayAfter(StreamPosition? from, long maxBytes);

    /// <summary>Events are kept to replay: the entity outlives its last subscriber by the retention.</summary>
    bool HoldsEvents { get; }

    /// <summary>Events numbered but not yet kept (the durable store writes them first): part of the entity's backlog.</summary>
    long Unwritten => 0;

    /// <summary>Sharding moves the entity; true when the history finishes first (then calls <see cref="IStreamHistoryOwner.Finished"/>).</summary>
    bool HandOff();

    /// <summary>The retention is over and the entity passivates; true when the history finishes first.</summary>
    bool Forget();
}

/// <summary>The entity, as its history sees it.</summary>
internal interface IStreamHistoryOwner
{
    IActorContext Context { get; }

    StreamKey Stream { get; }

    /// <summary>The event is recorded (numbered and kept with history on): it goes to the stream's audience, and its publisher is told.</summary>
    void Recorded(SseEvent sseEvent, IActorRef publisher);

    /// <summary>A retry of an event the stream already recorded (the same message id): its publisher is told the first one's id, nobody gets it again.</summary>
    void Repeated(string publishedId, string recordedAs, IActorRef publisher);

    /// <summary>The history is loaded: the entity serves what waited.</summary>
    void Started();

    /// <summary>The history is done (stopped for a hand-off, forgotten, or its store failed): the entity stops.</summary>
    void Finished();
}

/// <summary>Which history a stream entity keeps, from its settings.</summary>
internal static class StreamHistories
{
    public static IStreamHistory For(StreamEntitySettings settings, IStreamHistoryOwner owner) => settings switch
    {
        { HistorySize: 0 } => new NoHistory(owner),
        { DurableHistory: true } => new JournalHistory(owner, settings.HistorySize),
        _ => new MemoryHistory(owner, settings.HistorySize, settings.Replicator, settings.HistoryLifetime, settings.HandoverTimeouts),
    };
}

/// <summary>
/// History off: events go out as published, nothing is numbered or kept. What it does know is whether this incarnation
/// has recorded anything: a subscriber of an earlier one (it stopped or moved) that subscribes again asks from
/// <see cref="Returning"/>, and is told a gap when events went out before it was back, so its connection writes a
/// <c>reset</c> of the stream instead of skipping them silently.
/// </summary>
internal sealed class NoHistory(IStreamHistoryOwner owner) : IStreamHistory
{
    /// <summary>What a subscriber of an earlier incarnation asks from with history off: the start of this one.</summary>
    public static readonly StreamPosition Returning = default;

    private bool _recordedAny;

    public bool HoldsEvents => false;

    public bool Start() => false;

    public bool Receive(object message) => false;

    public void Publish(SseEvent sseEvent, IActorRef publisher)
    {
        _recordedAny = true;
        owner.Recorded(sseEvent, publisher);
    }

    public StreamReplay? ReplayAfter(StreamPosition? from, long maxBytes) =>
        from is null ? null : new StreamReplay(default, Gap: _recordedAny, []);

    public bool HandOff() => false;

    public bool Forget() => false;
}
