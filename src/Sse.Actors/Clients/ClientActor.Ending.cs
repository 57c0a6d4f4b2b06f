using Akka.Actor;
using Akka.Event;
using static Sse.Actors.Clients.ClientProtocol;

namespace Sse.Actors.Clients;

/// <summary>
/// How a connection ends: the browser leaves, the server closes the stream (shutdown, an expired token), its writes
/// stall, or it is a slow consumer. Whichever comes first, the client then ignores everything while it stops.
/// </summary>
public sealed partial class ClientActor
{
    /// <summary>
    /// The broker's tick: a response whose writes stalled past <c>ClientTimeout</c> is cut, a stream whose token
    /// expired is closed. True when the connection streams on.
    /// </summary>
    private bool CheckConnection()
    {
        if (_connection.PendingFlush > _settings.ClientTimeout)
        {
            Log.Warning("Client {ClientId}: no write progress for {ClientTimeout}; closing it", _connection.ClientId, _settings.ClientTimeout);
            _connection.Abort();
            StopClient();
            return false;
        }
        if (_connection.ExpiresAt <= DateTimeOffset.UtcNow)
        {
            Log.Info("Client {ClientId} of user {UserId}: its token expired; closing the stream", _connection.ClientId, _connection.UserId);
            End("token expired", _settings.ShutdownGrace);
            return false;
        }
        return true;
    }

    /// <summary>A last <c>close</c> event, then the response ends once drained (or is cut after the grace).</summary>
    private void End(string reason, TimeSpan grace)
    {
        _connection.TryWrite(ConnectionEvents.Close(reason));
        _connection.Complete();
        _connection.AbortAfter(grace);
        StopClient();
    }

    /// <summary>Logged and told once per connection: the client stops and handles nothing after.</summary>
    private void DropAsSlowConsumer()
    {
        Log.Warning("Client {ClientId} of user {UserId} is a slow consumer ({BufferSize} events queued); disconnecting it",
            _connection.ClientId, _connection.UserId, _settings.BufferSize);
        Context.Parent.Tell(new SlowConsumerDropped(_connection.ClientId, _connection.UserId));
        _connection.Abort();
        StopClient();
    }

    /// <summary>Stops the actor; what waited for the welcome is lost with the connection.</summary>
    private void StopClient()
    {
        _beforeWelcome = null;
        _behaviour = Behaviour.Ending;
        Context.Stop(Self);
    }
}
