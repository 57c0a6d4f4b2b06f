using Akka.Actor;
using Akka.Event;
using Sse.Actors.Clients;
using static Sse.Actors.Broker.BrokerConnections;

namespace Sse.Actors.Broker;

/// <summary>What the broker tells every connection of the node: the heartbeat ticks, a retry, the close at shutdown.</summary>
public sealed partial class BrokerActor
{
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
