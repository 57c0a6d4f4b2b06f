using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using Sse.Actors.Clients;
using Sse.Actors.Diagnostics;
using Sse.Actors.FanOut;
using Sse.Actors.Streams;
using static Sse.Actors.Broker.BrokerConnections;

namespace Sse.Actors.Broker;

/// <summary>
/// What the broker hands its own connections: events an entity on another node sent once for the node (through the
/// fan-out workers once a stream has many connections here), catch-ups after its mailbox shed, the heartbeat ticks,
/// and what every connection is told (an entity's end, a retry, the close at shutdown).
/// </summary>
public sealed partial class BrokerActor
{
    /// <summary>An event an entity on another node sent once for this node's connections of its stream.</summary>
    private void DeliverLocally(StreamKey stream, Events.SseEvent sseEvent)
    {
        if (!_clientsByStream.TryGetValue(stream, out var clients))
        {
            return;
        }
        if (!_hotStreams.TryGetValue(stream, out var fanOut))
        {
            if (!_fanOutWorkers.Splits(clients.Count))
            {
                // The concrete type's struct enumerator: a small fan-out allocates nothing.
                foreach (var client in clients)
                {
                    client.Tell(sseEvent);
                }
                return;
            }
            _hotStreams[stream] = fanOut = new LocalFanOut(_fanOutWorkers);
        }
        fanOut.Deliver(clients, sseEvent);
    }

    /// <summary>
    /// The mailbox shed live events (<see cref="BrokerMailbox"/>): every connection of their streams catches up from the
    /// stream's history, or gets a reset, so nothing it missed is skipped silently.
    /// </summary>
    private void CatchUp(BrokerMessageQueue queue)
    {
        var (streams, events) = queue.TakeShed();
        if (events == 0)
        {
            return;
        }
        _metrics.Shed(SseMetrics.ShedAt.Broker, events);
        _shedSinceLog += events;
        // At most one line per interval while overloaded: the metric counts every event.
        if (Stopwatch.GetElapsedTime(_shedLoggedAt) >= ShedLogInterval)
        {
            _log.Warning("The broker shed {Events} live events past Sse:Limits:MaxBrokerBacklog; the connections of their streams catch up", _shedSinceLog);
            _shedLoggedAt = Stopwatch.GetTimestamp();
            _shedSinceLog = 0;
        }
        foreach (var stream in streams)
        {
            IEnumerable<IActorRef> clients = stream is StreamKey.Broadcasts ? _clients.Keys : _clientsByStream.GetValueOrDefault(stream);
            var catchUp = new ClientProtocol.CatchUp(stream);
            foreach (var client in clients)
            {
                client.Tell(catchUp);
            }
        }
    }

    /// <summary>The connections of this tick's slice write a heartbeat (once live) and check their writes and token.</summary>
    private void Heartbeat()
    {
        _heartbeatSlice = (_heartbeatSlice + 1) % _heartbeatSlices;
        foreach (var client in _clients.Keys)
        {
            if ((uint)client.Path.Uid % (uint)_heartbeatSlices == _heartbeatSlice)
            {
                client.Tell(ClientProtocol.Tick.Instance);
            }
        }
    }

    private void ForwardToAll(object message)
    {
        foreach (var client in _clients.Keys)
        {
            client.Forward(message);
        }
    }

    private void CloseAllConnections(CloseAll command)
    {
        _closing = true;
        _log.Info("Closing {Count} streams", _clients.Count);
        foreach (var client in _clients.Keys)
        {
            client.Tell(new ClientProtocol.Close(command.Grace));
        }
    }
}
