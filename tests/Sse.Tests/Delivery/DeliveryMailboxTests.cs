using Akka.Actor;
using Sse.Actors.Delivery;
using Sse.Actors.Broker;
using Sse.Actors.Events;
using Sse.Actors.Streams;

namespace Sse.Tests.Broker;

/// <summary>The broker's mailbox: bounded for the live events it fans out, which it sheds past its capacity and says so.</summary>
[Trait("Category", TestCategories.Unit)]
public sealed class DeliveryMailboxTests
{
    private static readonly StreamKey.User Alice = new(Guid.NewGuid().ToString());
    private static readonly StreamKey.Topic News = new("news");

    [Fact]
    public void Past_its_capacity_live_events_are_shed_and_one_notice_follows_what_was_queued()
    {
        var queue = new DeliveryMessageQueue(capacity: 2);

        Enqueue(queue, Event(Alice, "1"));
        Enqueue(queue, Event(News, "2"));
        Enqueue(queue, Event(Alice, "3"));
        Enqueue(queue, new DeliveryProtocol.DeliverBroadcast(SseEncoder.Encode("n", "4")));
        Enqueue(queue, Event(News, "5"));

        Assert.Equal(["1", "2"], [Data(Dequeue(queue)), Data(Dequeue(queue))]);
        var notice = Assert.IsType<EventsShed>(Dequeue(queue));
        Assert.False(queue.TryDequeue(out _));
        var (streams, events) = notice.Queue.TakeShed();
        Assert.Equal(3, events);
        Assert.Equal(new HashSet<StreamKey> { Alice, News, StreamKey.Broadcasts.Instance }, streams.ToHashSet());
        Assert.Equal(0, notice.Queue.TakeShed().Events);
    }

    [Fact]
    public void Nothing_but_live_events_is_ever_shed()
    {
        var queue = new DeliveryMessageQueue(capacity: 1);

        Enqueue(queue, Event(Alice, "1"));
        Enqueue(queue, "a connection, a query, a command");
        Enqueue(queue, Event(Alice, "shed"));

        Assert.Equal("1", Data(Dequeue(queue)));
        Assert.Equal("a connection, a query, a command", Dequeue(queue));
        Assert.IsType<EventsShed>(Dequeue(queue));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void A_shed_after_the_broker_took_the_last_ones_queues_a_new_notice()
    {
        var queue = new DeliveryMessageQueue(capacity: 0);

        Enqueue(queue, Event(Alice, "shed"));
        Enqueue(queue, Event(News, "shed too, under the same notice"));
        Assert.IsType<EventsShed>(Dequeue(queue));
        Assert.False(queue.TryDequeue(out _));
        queue.TakeShed();
        Enqueue(queue, Event(News, "shed after"));

        Assert.IsType<EventsShed>(Dequeue(queue));
        Assert.Equal([News], queue.TakeShed().Streams);
    }

    private static DeliveryProtocol.StreamEvent Event(StreamKey stream, string data) => new(stream, SseEncoder.Encode("n", data));

    private static void Enqueue(DeliveryMessageQueue queue, object message) => queue.Enqueue(ActorRefs.Nobody, new Envelope(message, ActorRefs.NoSender));

    private static object Dequeue(DeliveryMessageQueue queue)
    {
        Assert.True(queue.TryDequeue(out var envelope));
        return envelope.Message;
    }

    private static string Data(object message) => ((DeliveryProtocol.StreamEvent)message).Event.Parse().Data;
}
