using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;
using Akka.Hosting;

namespace Sse.Actors.Mailboxes;

/// <summary>
/// The mailbox of the actors a node holds one of per connection or per stream (client actors, stream entities):
/// a small ring that grows with a burst and gives the memory back once drained. Akka's default queue keeps a
/// 32-slot segment from the start, and after a burst its last, largest segment, for the actor's whole life.
/// It supports a stash (messages put back first).
/// </summary>
internal sealed class LeanMailbox(Akka.Actor.Settings settings, Config config) : MailboxType(settings, config), IProducesMessageQueue<LeanMessageQueue>
{
    /// <summary>Where the mailbox is configured (<see cref="Hocon"/>).</summary>
    public const string ConfigPath = "sse-lean-mailbox";

    /// <summary>The configuration every actor system of the broker carries.</summary>
    public static readonly string Hocon = $$"""{{ConfigPath}}.mailbox-type = "{{typeof(LeanMailbox).AssemblyQualifiedName}}" """;

    public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new LeanMessageQueue();

    /// <summary><paramref name="props"/> on the lean mailbox, which <paramref name="system"/> must be configured with (every broker node is).</summary>
    /// <remarks>One <see cref="Deploy"/> shared by all of them: <c>WithMailbox</c> would make one per actor.</remarks>
    /// <exception cref="ConfigurationException">The actor system lacks the mailbox: its actors would silently hold Akka's default queue.</exception>
    public static Props For(DirectProps props, ActorSystem system) =>
        system.Settings.Config.HasPath(ConfigPath)
            ? props.On(LeanDeploy)
            : throw new ConfigurationException(
                $"Actor system '{system.Name}' has no {ConfigPath}, the mailbox of the client actors and stream entities: WithSseBroker configures it " +
                $"(WithLeanMailbox); an actor system without the broker that runs them adds {nameof(LeanMailbox)}.{nameof(Hocon)} to its configuration.");

    private static readonly Deploy LeanDeploy = Deploy.Local.WithMailbox(ConfigPath);
}

/// <summary>
/// The queue of <see cref="LeanMailbox"/>: a <see cref="GrowingRing{T}"/> behind a lock (producers are few and rarely
/// collide on one actor). It starts at <see cref="InitialCapacity"/> slots, doubles when full and drops back to that once
/// the bursts are over.
/// </summary>
internal sealed class LeanMessageQueue : IMessageQueue, IUnboundedDequeBasedMessageQueueSemantics
{
    public const int InitialCapacity = GrowingRing.InitialCapacity;

    private readonly Lock _gate = new();
    private GrowingRing<Envelope> _ring = new();

    public bool HasMessages => _ring.Count > 0;

    public int Count => _ring.Count;

    /// <summary>Slots held now (what a burst left behind, until the queue empties).</summary>
    public int Capacity
    {
        get
        {
            lock (_gate)
            {
                return _ring.Capacity;
            }
        }
    }

    // Unbounded: adding always succeeds.
    public void Enqueue(IActorRef receiver, Envelope envelope)
    {
        lock (_gate)
        {
            _ring.TryAddLast(envelope);
        }
    }

    public void EnqueueFirst(Envelope envelope)
    {
        lock (_gate)
        {
            _ring.TryAddFirst(envelope);
        }
    }

    public bool TryDequeue(out Envelope envelope)
    {
        lock (_gate)
        {
            return _ring.TryTakeFirst(out envelope);
        }
    }

    public void CleanUp(IActorRef owner, IMessageQueue deadletters)
    {
        while (TryDequeue(out var envelope))
        {
            deadletters.Enqueue(owner, envelope);
        }
    }
}

internal static class LeanMailboxConfiguration
{
    /// <summary>Configures <see cref="LeanMailbox"/> (<see cref="LeanMailbox.Hocon"/>), which the client actors and stream entities run on.</summary>
    public static AkkaConfigurationBuilder WithLeanMailbox(this AkkaConfigurationBuilder builder) => builder.AddHocon(LeanMailbox.Hocon, HoconAddMode.Prepend);
}
