using Sse.Actors.Clients;
using Sse.Actors.Events;

namespace Sse.Tests.Clients;

[Trait("Category", TestCategories.Unit)]
public sealed class ConnectionBufferTests
{
    [Fact]
    public void Events_come_out_in_order_and_the_bound_refuses_one_more()
    {
        var buffer = new ConnectionBuffer(bound: 10);
        var events = Events(10);

        Assert.All(events, e => Assert.True(buffer.TryWrite(e)));
        Assert.False(buffer.TryWrite(SseEncoder.Encode("e", "one too many")));

        Assert.Equal(events, Drain(buffer));
    }

    [Fact]
    public void A_burst_grows_the_buffer_and_a_quiet_run_after_it_gives_its_slots_back()
    {
        var buffer = new ConnectionBuffer(bound: 256);

        foreach (var e in Events(200))
        {
            buffer.TryWrite(e);
        }
        Assert.True(buffer.Capacity >= 200);
        Drain(buffer);
        // Kept for the next burst, until a quiet run shows the bursts are over.
        Assert.True(buffer.Capacity >= 200);
        buffer.TryWrite(SseEncoder.Encode("e", "a lone event"));
        Drain(buffer);

        Assert.Equal(ConnectionBuffer.InitialCapacity, buffer.Capacity);
    }

    [Fact]
    public async Task A_waiting_reader_wakes_for_the_next_event_and_sees_the_end()
    {
        var buffer = new ConnectionBuffer(bound: 4);
        var waiting = buffer.WaitToReadAsync().AsTask();
        Assert.False(waiting.IsCompleted);

        buffer.TryWrite(SseEncoder.Encode("e", "wake up"));

        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.True(buffer.TryRead(out _));
        var ending = buffer.WaitToReadAsync().AsTask();
        buffer.Complete();
        Assert.False(await ending.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.False(buffer.TryWrite(SseEncoder.Encode("e", "after the end")));
    }

    [Fact]
    public async Task Events_queued_before_the_end_are_still_read()
    {
        var buffer = new ConnectionBuffer(bound: 4);
        buffer.TryWrite(SseEncoder.Encode("e", "last"));

        buffer.Complete();

        Assert.True(await buffer.WaitToReadAsync());
        Assert.False(buffer.Completion.IsCompleted);
        Assert.Equal("last", (await buffer.ReadAsync()).Parse().Data);
        Assert.False(await buffer.WaitToReadAsync());
        await buffer.Completion.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_cancelled_wait_throws_and_the_next_wait_works()
    {
        var buffer = new ConnectionBuffer(bound: 4);
        using var cancel = new CancellationTokenSource();
        var waiting = buffer.WaitToReadAsync(cancel.Token).AsTask();

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(5)));
        var next = buffer.WaitToReadAsync().AsTask();
        buffer.TryWrite(SseEncoder.Encode("e", "after the cancel"));
        Assert.True(await next.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task The_writer_waits_for_room_until_the_reader_takes_an_event_or_the_buffer_ends()
    {
        var buffer = new ConnectionBuffer(bound: 2);
        buffer.TryWrite(SseEncoder.Encode("e", "1"));
        buffer.TryWrite(SseEncoder.Encode("e", "2"));
        var room = buffer.WaitForRoomAsync();
        Assert.False(room.IsCompleted);

        Assert.True(buffer.TryRead(out _));

        Assert.True(await room.WaitAsync(TimeSpan.FromSeconds(5)));
        buffer.TryWrite(SseEncoder.Encode("e", "3"));
        var never = buffer.WaitForRoomAsync();
        buffer.Complete();
        Assert.False(await never.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_writer_and_a_reader_on_different_threads_pass_every_event_in_order()
    {
        const int Count = 200_000;
        var buffer = new ConnectionBuffer(bound: 64);
        var events = Events(Count);
        var writing = Task.Run(async () =>
        {
            foreach (var e in events)
            {
                while (!buffer.TryWrite(e))
                {
                    Assert.True(await buffer.WaitForRoomAsync());
                }
            }
            buffer.Complete();
        });
        var received = new List<SseEvent>(Count);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        while (await buffer.WaitToReadAsync(cancel.Token))
        {
            while (buffer.TryRead(out var e))
            {
                received.Add(e);
            }
        }
        await writing;

        Assert.Equal(Count, received.Count);
        Assert.True(events.SequenceEqual(received), "events came out of order");
    }

    private static List<SseEvent> Events(int count) => [.. Enumerable.Range(0, count).Select(i => SseEncoder.Encode("e", $"event {i}"))];

    private static List<SseEvent> Drain(ConnectionBuffer buffer)
    {
        var drained = new List<SseEvent>();
        while (buffer.TryRead(out var e))
        {
            drained.Add(e);
        }
        return drained;
    }
}
