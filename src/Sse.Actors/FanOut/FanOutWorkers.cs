using Akka.Actor;
using Sse.Actors.Events;

namespace Sse.Actors.FanOut;

/// <summary>
/// The node's fan-out workers, one per partition (by default one per core): a stream with many local
/// recipients is handed to all of them at once, each telling its share, so a hot topic or a broadcast is
/// delivered by every core instead of by one actor's loop.
/// </summary>
internal sealed class FanOutWorkers : IExtension
{
    /// <summary>Workers of the node; 0 or less: one per core.</summary>
    public const string PartitionsPath = "sse.fan-out.partitions";

    /// <summary>Local recipients from which a stream's delivery is split over the workers.</summary>
    public const string MinRecipientsPath = "sse.fan-out.min-recipients";

    private readonly IActorRef[] _workers;

    private FanOutWorkers(ExtendedActorSystem system)
    {
        var partitions = system.Settings.Config.GetInt(PartitionsPath, 0);
        _workers = new IActorRef[partitions > 0 ? partitions : Environment.ProcessorCount];
        for (var i = 0; i < _workers.Length; i++)
        {
            _workers[i] = system.SystemActorOf(Props.Create<FanOutWorker>(), $"sse-fan-out-{i}");
        }
        MinRecipients = Math.Max(2, system.Settings.Config.GetInt(MinRecipientsPath, 128));
    }

    public static FanOutWorkers For(ActorSystem system) => system.WithExtension<FanOutWorkers, Provider>();

    public int Partitions => _workers.Length;

    public int MinRecipients { get; }

    /// <summary>Whether a stream with this many local recipients is worth splitting.</summary>
    public bool Splits(int recipients) => _workers.Length > 1 && recipients >= MinRecipients;

    /// <summary>A recipient's partition: the same for the actor's whole life, so one stream's events reach it in order.</summary>
    public int PartitionOf(IActorRef recipient) => (int)((uint)recipient.Path.Uid % (uint)_workers.Length);

    public void Deliver(int partition, IActorRef[] recipients, SseEvent sseEvent) =>
        _workers[partition].Tell(new FanOutWorker.Deliver(recipients, sseEvent));

    private sealed class Provider : ExtensionIdProvider<FanOutWorkers>
    {
        public override FanOutWorkers CreateExtension(ExtendedActorSystem system) => new(system);
    }
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
