using Akka.Actor;
using Sse.Actors.Mailboxes;

namespace Sse.Tests.Mailboxes;

[Trait("Category", TestCategories.Unit)]
public sealed class LeanMessageQueueTests
{
    [Fact]
    public void Messages_come_out_in_the_order_they_went_in_across_growth()
    {
        var queue = new LeanMessageQueue();

        Enqueue(queue, Enumerable.Range(0, 100));

        Assert.Equal(Enumerable.Range(0, 100), Drain(queue));
    }

    [Fact]
    public void A_burst_grows_the_queue_and_a_quiet_run_after_it_gives_its_slots_back()
    {
        var queue = new LeanMessageQueue();
        Assert.Equal(LeanMessageQueue.InitialCapacity, queue.Capacity);

        Enqueue(queue, Enumerable.Range(0, 200));
        Assert.True(queue.Capacity >= 200, $"capacity {queue.Capacity} after 200 messages");
        Drain(queue);
        // Kept for the next burst, until a quiet run shows the bursts are over.
        Assert.True(queue.Capacity >= 200);
        Enqueue(queue, [1]);
        Drain(queue);

        Assert.Equal(LeanMessageQueue.InitialCapacity, queue.Capacity);
        Assert.False(queue.HasMessages);
    }

    [Fact]
    public void Messages_put_back_first_come_out_before_the_queued_ones_as_a_stash_needs()
    {
        var queue = new LeanMessageQueue();
        Enqueue(queue, [3, 4]);

        // UnstashAll puts the stashed messages back last to first.
        queue.EnqueueFirst(new Envelope(2, ActorRefs.NoSender));
        queue.EnqueueFirst(new Envelope(1, ActorRefs.NoSender));

        Assert.Equal([1, 2, 3, 4], Drain(queue));
    }

    [Fact]
    public async Task Concurrent_senders_lose_nothing_and_each_senders_order_holds()
    {
        var queue = new LeanMessageQueue();
        const int Senders = 4, PerSender = 20_000;
        var received = new List<(int Sender, int Seq)>();
        var sending = Enumerable.Range(0, Senders).Select(sender => Task.Run(() =>
        {
            for (var seq = 0; seq < PerSender; seq++)
            {
                queue.Enqueue(ActorRefs.Nobody, new Envelope((sender, seq), ActorRefs.NoSender));
            }
        })).ToArray();
        var reading = Task.Run(() =>
        {
            while (received.Count < Senders * PerSender)
            {
                if (queue.TryDequeue(out var envelope))
                {
                    received.Add(((int, int))envelope.Message);
                }
            }
        });

        await Task.WhenAll([.. sending, reading]).WaitAsync(TimeSpan.FromSeconds(30));

        foreach (var bySender in received.GroupBy(m => m.Sender))
        {
            Assert.Equal(Enumerable.Range(0, PerSender), bySender.Select(m => m.Seq));
        }
        Enqueue(queue, [1]);
        Drain(queue);
        Assert.Equal(LeanMessageQueue.InitialCapacity, queue.Capacity);
    }

    private static void Enqueue(LeanMessageQueue queue, IEnumerable<int> messages)
    {
        foreach (var message in messages)
        {
            queue.Enqueue(ActorRefs.Nobody, new Envelope(message, ActorRefs.NoSender));
        }
    }

    private static List<int> Drain(LeanMessageQueue queue)
    {
        var drained = new List<int>();
        while (queue.TryDequeue(out var envelope))
        {
            drained.Add((int)envelope.Message);
        }
        return drained;
    }
}
