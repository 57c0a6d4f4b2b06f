using Akka.Actor;
using Akka.Event;
using static Sse.Actors.Broker.BrokerCommands;

namespace Sse.Actors.Broker;

/// <summary>
/// How the broker answers the commands and queries a service tells it: publishes validated and recorded as
/// <c>ISseBroker</c>'s are, questions asked of every node, and this node's own figures.
/// </summary>
public sealed partial class BrokerActor
{
    private Task<string> Record(Streams.StreamProtocol.PublishToStream message) => message.Stream is Streams.StreamKey.Broadcasts
        ? _broadcasts.PublishAsync(message, CancellationToken.None)
        : Publication.RecordAsync(_receipts, _regions.For(message.Stream), message, _settings.Publish, CancellationToken.None);


    /// <summary>
    /// Validates and sends a command's event; an asking sender is answered once the stream has recorded it
    /// (<see cref="PublishAccepted"/>), when it was not (<see cref="PublishRejected"/>), or when its stream did not answer in time
    /// (<see cref="PublishOutcomeUnknown"/>), without the broker waiting.
    /// </summary>
    private void Publish(Func<Task<string>> publish)
    {
        var sender = Sender;
        var answers = !sender.IsNobody() && !sender.Equals(Context.System.DeadLetters);
        try
        {
            var recorded = publish();
            if (answers)
            {
                recorded.PipeTo(sender, success: eventId => new PublishAccepted(eventId),
                    failure: e => e is PublishOutcomeUnknownException ? new PublishOutcomeUnknown(e.Message) : new PublishRejected(e.Message));
            }
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            _log.Warning("Rejected a publish command: {Reason}", e.Message);
            if (answers)
            {
                sender.Tell(new PublishRejected(e.Message));
            }
        }
    }

    private void AskTheCluster(object question) =>
        Context.ActorOf(ClusterQueryActor.Props(Sender, question, Self, _settings));

    private BrokerStats NodeStats() => new(
        Node: _node,
        TotalClients: _clients.Count,
        TotalUsers: Users().Count(),
        TotalTopics: Topics(),
        IsRunning: !_closing,
        BufferSize: _settings.Clients.BufferSize,
        MaxConnections: _settings.MaxConnections,
        MaxConnectionsPerUser: _settings.MaxConnectionsPerUser,
        ConnectionsAccepted: _accepted,
        ConnectionsRefused: _refused,
        SlowConsumerDisconnects: _slowConsumers);
}
