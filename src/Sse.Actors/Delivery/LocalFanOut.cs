using Akka.Actor;
using Sse.Actors.Events;

namespace Sse.Actors.Delivery;

/// <summary>
/// How one actor (a stream entity, the node's broker) hands an event to a set of local recipients it owns:
/// a loop of tells while the set is small; once it has reached <see cref="FanOutWorkers.MinRecipients"/>, one
/// message per partition to the node's <see cref="FanOutWorkers"/>, with a snapshot of that partition's recipients,
/// rebuilt after the set changed. Once split it stays split: a tell in the loop would overtake an event
/// still queued at a worker, and a recipient must see one stream's events in order.
/// </summary>
internal sealed class LocalFanOut(FanOutWorkers workers)
{
    private IActorRef[][]? _partitions;
    private bool _split;

    /// <summary>The owner's set changed: the next delivery takes a new snapshot.</summary>
    public void Changed() => _partitions = null;

    /// <summary>Hands <paramref name="sseEvent"/> to every one of <paramref name="recipients"/>, nobody waiting for a slow one.</summary>
    public void Deliver(in Recipients recipients, SseEvent sseEvent)
    {
        if (Splits(recipients, recipients.Count, sseEvent))
        {
            return;
        }
        // The concrete type's struct enumerator: a small fan-out allocates nothing.
        foreach (var recipient in recipients)
        {
            recipient.Tell(sseEvent);
        }
    }

    /// <inheritdoc cref="Deliver(in Recipients, SseEvent)"/>
    public void Deliver<TValue>(Dictionary<IActorRef, TValue>.KeyCollection recipients, SseEvent sseEvent)
    {
        if (Splits(recipients, recipients.Count, sseEvent))
        {
            return;
        }
        foreach (var recipient in recipients)
        {
            recipient.Tell(sseEvent);
        }
    }

    private bool Splits(IEnumerable<IActorRef> recipients, int count, SseEvent sseEvent)
    {
        _split |= workers.Splits(count);
        if (!_split)
        {
            return false;
        }
        var partitions = _partitions ??= Partition(recipients, count);
        for (var i = 0; i < partitions.Length; i++)
        {
            if (partitions[i].Length > 0)
            {
                workers.Deliver(i, partitions[i], sseEvent);
            }
        }
        return true;
    }

    private IActorRef[][] Partition(IEnumerable<IActorRef> recipients, int count)
    {
        var lists = new List<IActorRef>[workers.Partitions];
        for (var i = 0; i < lists.Length; i++)
        {
            lists[i] = new List<IActorRef>(count / lists.Length + 1);
        }
        foreach (var recipient in recipients)
        {
            lists[workers.PartitionOf(recipient)].Add(recipient);
        }
        return [.. lists.Select(list => list.ToArray())];
    }
}
