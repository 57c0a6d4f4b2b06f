using Akka.Actor;

namespace Sse.Actors.Streams;

/// <summary>
/// The user and topic streams whose entity runs on this node and has at least one subscriber (on any node).
/// Every stream has exactly one entity in the cluster, so the sum over the nodes counts each online user and each
/// topic in use once, however many nodes hold its connections: the cluster's totals travel as two numbers per node.
/// Kept by the entities (<see cref="SubscriberSet"/>), read by the node's broker and gauges; one per actor system.
/// </summary>
internal sealed class ActiveStreams : IExtension
{
    private long _users;
    private long _topics;

    /// <summary>Users whose entity is on this node and has a subscribed connection.</summary>
    public long Users => Interlocked.Read(ref _users);

    /// <summary>Topics (each tenant's its own) whose entity is on this node and has a subscriber.</summary>
    public long Topics => Interlocked.Read(ref _topics);

    public static ActiveStreams For(ActorSystem system) => system.WithExtension<ActiveStreams, Provider>();

    /// <summary>The stream's audience went from empty to one subscriber.</summary>
    internal void Activated(StreamKey stream) => Add(stream, 1);

    /// <summary>The stream's audience emptied, or its entity stopped with subscribers (they subscribe to its next incarnation).</summary>
    internal void Deactivated(StreamKey stream) => Add(stream, -1);

    private void Add(StreamKey stream, long delta)
    {
        switch (stream)
        {
            case StreamKey.User:
                Interlocked.Add(ref _users, delta);
                break;
            case StreamKey.Topic:
                Interlocked.Add(ref _topics, delta);
                break;
        }
    }

    private sealed class Provider : ExtensionIdProvider<ActiveStreams>
    {
        public override ActiveStreams CreateExtension(ExtendedActorSystem system) => new();
    }
}
