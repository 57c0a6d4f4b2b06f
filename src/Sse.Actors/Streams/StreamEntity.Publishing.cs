using Akka.Actor;
using Akka.Event;
using Sse.Actors.History;
using Sse.Actors.Diagnostics;
using Sse.Actors.Events;
using Sse.Actors.Mailboxes;
using static Sse.Actors.Streams.StreamProtocol;

namespace Sse.Actors.Streams;

// The publish path of the stream entity: shed when overloaded, record, answer the publisher.
public sealed partial class StreamEntity
{
    // Publishes dropped in the current overload; 0 when not overloaded.
    private long _shed;
    // Publishes dropped since the node was last seen to hear a majority.
    private long _fenced;

    /// <summary>
    /// More than <c>MaxBacklog</c> messages wait (its mailbox, and with the durable store the events not written yet): the
    /// publisher outruns the stream, which drops publishes until it has caught up rather than grow without bound. A dropped
    /// publish is unanswered: its publisher is refused after its timeout and retries, by then maybe recorded once.
    /// </summary>
    private void Publish(PublishToStream publish)
    {
        var backlog = AkkaInternals.MailboxSize(Self) + _history.Unwritten;
        _settings.Metrics?.StreamBacklog(backlog);
        if (backlog >= _settings.MaxBacklog)
        {
            Shed(backlog);
            return;
        }
        if (_shed > 0)
        {
            Context.GetLogger().Info("The {Kind} entity {Entity} caught up; it dropped {Shed} publishes", _stream.Kind, _stream.EntityId, _shed);
            _shed = 0;
        }
        Record(publish);
    }

    private void Shed(long backlog)
    {
        if (_shed++ == 0)
        {
            Context.GetLogger().Warning("The {Kind} entity {Entity} holds {Backlog} messages (Sse:Limits:MaxStreamBacklog); it drops publishes until it has caught up, and their publishers are refused",
                _stream.Kind, _stream.EntityId, backlog);
        }
        _settings.Metrics?.Shed(SseMetrics.ShedAt.Stream, 1);
    }

    /// <summary>
    /// Records the event unless its publisher has stopped waiting (it is told the outcome is unknown; recording it now would
    /// go behind what it sent next) or this node is fenced off the cluster (<see cref="QuorumFence"/>): both are dropped
    /// unanswered, and a retry with the same message id reaches the stream wherever it lives by then.
    /// </summary>
    private void Record(PublishToStream publish)
    {
        if (publish.RecordBy is { } recordBy && DateTime.UtcNow >= recordBy)
        {
            _settings.Metrics?.Shed(SseMetrics.ShedAt.Expired, 1);
            return;
        }
        if (!_fence.IsOpen)
        {
            _settings.Metrics?.Shed(SseMetrics.ShedAt.Fenced, 1);
            if (_fenced++ == 0)
            {
                Context.GetLogger().Warning("The {Kind} entity {Entity} records nothing: this node does not hear a majority of the cluster (frozen, paused or cut off); its publishes are dropped unanswered",
                    _stream.Kind, _stream.EntityId);
            }
            return;
        }
        _fenced = 0;
        _history.Publish(publish.Event, Sender);
    }

    // Handed to the deliveries before the answer: a publisher that awaits this send and then sends to another stream
    // must not see its next event reach a connection of both first (one delivery holds a connection's streams).
    void IStreamHistoryOwner.Recorded(SseEvent sseEvent, IActorRef publisher)
    {
        _audience.Deliver(sseEvent);
        Answer(publisher, sseEvent.Id, sseEvent.Id);
    }

    void IStreamHistoryOwner.Repeated(string publishedId, string recordedAs, IActorRef publisher) => Answer(publisher, publishedId, recordedAs);

    private void Answer(IActorRef publisher, string publishedId, string recordedAs)
    {
        // A publisher that told without a sender (fire-and-forget) waits for no answer.
        if (!publisher.IsNobody() && !publisher.Equals(Context.System.DeadLetters))
        {
            publisher.Tell(new EventRecorded(_stream, publishedId, recordedAs));
        }
    }
}
