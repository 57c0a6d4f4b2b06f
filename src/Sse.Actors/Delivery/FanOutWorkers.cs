using Akka.Actor;
using Akka.Hosting;
using Sse.Actors.Events;
using Sse.Actors.Settings;

namespace Sse.Actors.Delivery;

/// <param name="Partitions">Workers of the node (<c>Sse:FanOutPartitions</c>, one per core when that is 0); 1: every stream is one actor's loop.</param>
/// <param name="MinRecipients">Local recipients from which a stream's delivery is split over the workers.</param>
internal sealed record FanOutSettings(int Partitions, int MinRecipients = FanOutSettings.DefaultMinRecipients)
{
    /// <summary>Not an option: a split costs a snapshot and a message per worker, which pays only for a stream with many recipients.</summary>
    public const int DefaultMinRecipients = 128;
}

/// <summary>
/// The node's fan-out workers, one per partition (by default one per core): a stream with many local
/// recipients is handed to all of them at once, each telling its share, so a hot topic or a broadcast is
/// delivered by every core instead of by one actor's loop.
/// </summary>
internal sealed class FanOutWorkers : INodeExtension<FanOutSettings>
{
    private readonly IActorRef[] _workers;

    private FanOutWorkers(ExtendedActorSystem system, FanOutSettings settings)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Partitions, 1);
        // A split of fewer than two recipients is no split.
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.MinRecipients, 2);
        Settings = settings;
        _workers = new IActorRef[settings.Partitions];
        for (var i = 0; i < _workers.Length; i++)
        {
            _workers[i] = system.SystemActorOf(Props.Create<FanOutWorker>(), $"sse-fan-out-{i}");
        }
    }

    /// <summary>Starts the node's workers; the broker does as it starts, before any stream has recipients.</summary>
    public static FanOutWorkers Start(ActorSystem system, FanOutSettings settings) =>
        NodeExtension.Start(system, settings, (extended, given) => new FanOutWorkers(extended, given));

    /// <inheritdoc cref="NodeExtension.Of"/>
    public static FanOutWorkers For(ActorSystem system) => NodeExtension.Of<FanOutWorkers>(system);

    public FanOutSettings Settings { get; }

    public int Partitions => _workers.Length;

    public int MinRecipients => Settings.MinRecipients;

    /// <summary>Whether a stream with this many local recipients is worth splitting.</summary>
    public bool Splits(int recipients) => _workers.Length > 1 && recipients >= MinRecipients;

    /// <summary>A recipient's partition: the same for the actor's whole life, so one stream's events reach it in order.</summary>
    public int PartitionOf(IActorRef recipient) => (int)((uint)recipient.Path.Uid % (uint)_workers.Length);

    public void Deliver(int partition, IActorRef[] recipients, SseEvent sseEvent) =>
        _workers[partition].Tell(new FanOutWorker.Deliver(recipients, sseEvent));
}

/// <summary>Tells one event to one partition's share of a stream's recipients.</summary>
internal sealed class FanOutWorker : UntypedActor
{
    /// <summary>Local only: it carries a snapshot of the recipients, never copied.</summary>
    public sealed record Deliver(IActorRef[] Recipients, SseEvent Event) : INoSerializationVerificationNeeded;

    protected override void OnReceive(object message)
    {
        if (message is not Deliver deliver)
        {
            Unhandled(message);
            return;
        }
        foreach (var recipient in deliver.Recipients)
        {
            recipient.Tell(deliver.Event);
        }
    }
}

internal static class FanOutWorkersConfiguration
{
    /// <summary>Starts the node's <see cref="FanOutWorkers"/> as the actor system starts; before the stream regions, which deliver through them.</summary>
    public static AkkaConfigurationBuilder WithFanOutWorkers(this AkkaConfigurationBuilder builder, FanOutSettings settings) =>
        builder.WithActors((system, _) => FanOutWorkers.Start(system, settings));
}
