using Akka.Actor;
using Akka.Event;
using Sse.Actors.Diagnostics;
using Sse.Actors.Streams;
using static Sse.Actors.Clients.ClientProtocol;
using static Sse.Actors.Streams.StreamProtocol;

namespace Sse.Actors.Clients;

/// <summary>
/// How a client follows its streams: subscribed through the regions, retried while one is pending, subscribed again
/// when an entity is lost or a stream needs repair, and unsubscribed the way they went when the client stops.
/// </summary>
public sealed partial class ClientActor
{
    /// <summary>
    /// Through the region, as every subscription went: it arrives after them, so an entity on this node (which does not
    /// watch its subscribers) lets go of it. The broadcasts' entity keeps no subscribers: nothing to end there.
    /// </summary>
    private void UnsubscribeAll()
    {
        _retry?.Cancel();
        foreach (var (stream, _) in _streams.Subscriptions.Where(s => s.Stream is not StreamKey.Broadcasts))
        {
            _regions.For(stream).Tell(new UnsubscribeFromStream(stream, Self));
        }
    }

    /// <summary>
    /// Before the welcome a stream's replay waits for the other streams; after it (the entity moved and was
    /// subscribed again) what was missed is written at once, or a <c>reset</c> when the stream cannot be resumed.
    /// </summary>
    private void Acknowledged(SubscribedToStream m)
    {
        if (m.Stream is StreamKey.User)
        {
            _connection.Admit();
        }
        // The delivery of the stream tells the client when this entity stops or its node is lost (EntityStopped).
        if (!_streams.Acknowledged(m.Stream, Sender, m.Replay, out var resumed))
        {
            return;
        }
        if (resumed is not null)
        {
            _writer.Write(resumed);
        }
        if (_streams.AllAcknowledged)
        {
            _retry?.Cancel();
            _retry = null;
        }
    }

    /// <summary>The entity of a subscribed stream stopped or moved (an earlier one's end is old news): subscribe again.</summary>
    private void EntityLost(StreamKey stream, IActorRef entity)
    {
        if (_streams.Lost(stream, entity))
        {
            SubscribeAgain(stream, SseMetrics.ResubscribeReasons.Moved, "entity stopped or moved; subscribing again");
        }
    }

    /// <summary>Live events of the stream were shed before reaching this node: subscribe again from here, or say they are gone.</summary>
    private void CatchUpWith(StreamKey stream)
    {
        switch (_streams.Shed(stream))
        {
            case StreamAction.Resubscribe:
                Subscribe(stream);
                RetryPendingSubscriptions();
                break;
            case StreamAction.Reset:
                Write(ConnectionEvents.Reset([stream.Label]));
                break;
        }
    }

    /// <summary>Counted, logged at Debug and summed up in the node's summary (<see cref="Resubscriptions"/>), then subscribed again.</summary>
    private void SubscribeAgain(StreamKey stream, string reason, string why)
    {
        var detail = $"client {_connection.ClientId}: {stream} {why}";
        Log.Debug("{Detail}", detail);
        _metrics.Resubscribed(reason);
        Resubscriptions.For(Context.System).Add(reason, detail);
        Subscribe(stream);
        RetryPendingSubscriptions();
    }

    private void SubscribePending()
    {
        foreach (var stream in _streams.Pending)
        {
            Subscribe(stream);
        }
    }

    /// <summary>Subscribes the pending streams again every <c>SubscribeRetryInterval</c> until all are acknowledged.</summary>
    private void RetryPendingSubscriptions() =>
        _retry ??= Context.System.Scheduler.ScheduleTellRepeatedlyCancelable(
            _settings.SubscribeRetryInterval, _settings.SubscribeRetryInterval, Self, RetrySubscriptions.Instance, Self);

    private void Subscribe(StreamKey stream)
    {
        var subscribe = _streams.Subscribe(stream, Self);
        // Until admitted, the user's entity counts the connection against the user's limit; once streaming, it never refuses it.
        if (stream is StreamKey.User && _connection.MaxUserConnections > 0 && !_connection.Admission.IsCompleted)
        {
            subscribe = subscribe with { MaxSubscribers = _connection.MaxUserConnections };
        }
        _regions.For(stream).Tell(subscribe with { Delivery = _delivery });
    }
}
