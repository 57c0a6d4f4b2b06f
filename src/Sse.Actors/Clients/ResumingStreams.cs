using Akka.Actor;
using Sse.Actors.Events;
using Sse.Actors.History;
using Sse.Actors.Streams;

namespace Sse.Actors.Clients;

/// <summary>
/// History on: where the connection is in each stream, by position. A (re)subscription resumes after the last position
/// the connection has, its acknowledgement replays what it missed, events it has already (a live event that also came
/// in a replay, or through another node before the acknowledgement) are filtered out, and a live event that skips
/// ahead is repaired from the stream's history rather than skipped. A stream that cannot be resumed is named in a
/// <c>reset</c>.
/// </summary>
/// <param name="resumeRefused">It carried a Last-Event-ID that does not address these streams: the welcome is followed by a reset of them all.</param>
internal sealed class ResumingStreams(IReadOnlyList<StreamKey> streams, IReadOnlyList<StreamPosition>? resumeFrom = null, bool resumeRefused = false)
    : ConnectionStreams(streams, resumeFrom)
{
    public override StreamProtocol.SubscribeToStream Subscribe(StreamKey stream, IActorRef subscriber) =>
        new(stream, subscriber, Find(stream)?.Position);

    /// <summary>
    /// Write a new event, and the stream advances; nothing for one the connection has, or of a stream being repaired, or
    /// of a restarted stream not yet subscribed again (its acknowledgement answers a reset, which covers the event). An
    /// event that skips ahead of the connection's position (one before it was lost on the way) makes its stream
    /// resubscribe from that position; until it is acknowledged, the stream's events are held back.
    /// </summary>
    public override StreamAction Accept(SseEvent sseEvent, out StreamKey? repair)
    {
        repair = null;
        if (AfterGap(sseEvent) is { } cursor)
        {
            Repair(cursor);
            repair = cursor.Stream;
            return StreamAction.Resubscribe;
        }
        return Advance(sseEvent) ? StreamAction.Write : StreamAction.None;
    }

    /// <summary>Subscribe again from the position the connection has, as for a gap; nothing when a subscription is pending already.</summary>
    public override StreamAction Shed(StreamKey stream)
    {
        if (Find(stream) is not { Entity: not null } cursor)
        {
            return StreamAction.None;
        }
        Repair(cursor);
        return StreamAction.Resubscribe;
    }

    private protected override Resumption? TakeReplay(StreamCursor cursor, StreamReplay? replay)
    {
        // No replay: the entity runs without history (settings differ between nodes); nothing to resume.
        replay ??= new StreamReplay(default, Gap: true, []);
        if (Welcomed)
        {
            return Resubscribed(cursor, replay);
        }
        cursor.Replay = replay;
        return null;
    }

    /// <summary>
    /// Where each stream starts (the asked position when it resumes, the stream's current one otherwise), the streams
    /// that could not be resumed, then each resumed stream's missed events in order, without any the connection has.
    /// </summary>
    private protected override Resumption StartStreams()
    {
        List<string> notResumed = [];
        foreach (var cursor in Cursors)
        {
            var replay = cursor.Replay!;
            if (cursor.Position is null || replay.Gap)
            {
                if (cursor.Position is not null || resumeRefused)
                {
                    notResumed.Add(cursor.Stream.Label);
                }
                cursor.Position = replay.Now;
            }
        }
        StreamPosition[] starts = [.. Cursors.Select(cursor => cursor.Position!.Value)];
        List<SseEvent> missed = [];
        foreach (var cursor in Cursors.Where(cursor => !cursor.Replay!.Gap))
        {
            AddNew(cursor.Replay!.Missed, missed);
        }
        return new Resumption(notResumed, missed, starts);
    }

    /// <summary>The events missed while the entity stopped or moved, or a reset of the stream when they cannot be given.</summary>
    private Resumption Resubscribed(StreamCursor cursor, StreamReplay replay)
    {
        if (replay.Gap || cursor.Position is not { } seen || seen.Epoch != replay.Now.Epoch)
        {
            cursor.Position = replay.Now;
            return new Resumption([cursor.Stream.Label], []);
        }
        List<SseEvent> missed = [];
        AddNew(replay.Missed, missed);
        return new Resumption([], missed);
    }

    /// <summary>The cursor of an acknowledged stream that <paramref name="sseEvent"/> skips ahead in; null for any other event.</summary>
    private StreamCursor? AfterGap(SseEvent sseEvent) =>
        sseEvent is { Stream: { } name, Position: { } position } && FindByName(name) is { Entity: not null, Repairing: false } cursor
        && cursor.Position is { } seen && seen.Epoch == position.Epoch && position.Seq > seen.Seq + 1
            ? cursor
            : null;

    private static void Repair(StreamCursor cursor)
    {
        cursor.Entity = null;
        cursor.Repairing = true;
    }

    /// <summary>True, and the stream advances to it, for an event the connection does not have; events of no stream are always new.</summary>
    private bool Advance(SseEvent sseEvent)
    {
        if (sseEvent is not { Stream: { } name, Position: { } position } || FindByName(name) is not { } cursor)
        {
            return true;
        }
        if (cursor.Repairing)
        {
            // The acknowledgement of the repairing subscription brings it, or a reset.
            return false;
        }
        if (cursor.Position is { } seen && seen.Epoch == position.Epoch && position.Seq <= seen.Seq)
        {
            return false;
        }
        if (cursor.Position is { } before && before.Epoch != position.Epoch && cursor.Entity is null)
        {
            return false;
        }
        cursor.Position = position;
        return true;
    }

    private void AddNew(IReadOnlyList<SseEvent> events, List<SseEvent> into)
    {
        foreach (var sseEvent in events)
        {
            if (Advance(sseEvent))
            {
                into.Add(sseEvent);
            }
        }
    }
}
