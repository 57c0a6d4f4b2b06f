using System.Buffers;
using System.Net.ServerSentEvents;
using System.Threading.Channels;
using Sse.Actors.Events;

namespace Sse.Tests;

/// <summary>One encoded event as a browser's parser sees it.</summary>
internal sealed record ParsedEvent(string? Id, string EventType, string Data, TimeSpan? Retry);

/// <summary>Reads what a client actor queued for its response, the way an EventSource would.</summary>
internal static class SseReading
{
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(5);

    /// <summary>The encoded bytes, as text: they never hold the id.</summary>
    public static string Text(this SseEvent sseEvent) => System.Text.Encoding.UTF8.GetString(sseEvent.Utf8);

    /// <summary>What a connection's response writer writes of the event: its id line by <paramref name="ids"/> (history off unless given), then its bytes.</summary>
    public static byte[] AsWritten(this SseEvent sseEvent, IEventIdWriter? ids = null)
    {
        var output = new ArrayBufferWriter<byte>();
        (ids ?? EventIdPolicy.OwnIds.ForConnection([])).WriteId(output, sseEvent);
        output.Write(sseEvent.Utf8);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Parses an event as written with history off (<see cref="AsWritten"/>) with the framework's SSE parser; it must hold exactly one event.</summary>
    public static ParsedEvent Parse(this SseEvent sseEvent)
    {
        using var stream = new MemoryStream(sseEvent.AsWritten(), writable: false);
        var item = Assert.Single(SseParser.Create(stream).Enumerate());
        return new ParsedEvent(item.EventId, item.EventType, item.Data, item.ReconnectionInterval);
    }

    public static async Task<ParsedEvent> ReadEventAsync(this ChannelReader<SseEvent> events, TimeSpan? within = null)
    {
        var wait = within ?? DefaultWait;
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            return (await events.ReadAsync(timeout.Token)).Parse();
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            Assert.Fail($"No event was queued within {wait}.");
            throw;
        }
        catch (ChannelClosedException)
        {
            Assert.Fail("The channel completed before another event was queued.");
            throw;
        }
    }

    /// <summary>Reads what is left until the channel completes; fails if it does not complete in time.</summary>
    public static async Task<IReadOnlyList<ParsedEvent>> ReadToCompletionAsync(this ChannelReader<SseEvent> events, TimeSpan? within = null)
    {
        var wait = within ?? DefaultWait;
        using var timeout = new CancellationTokenSource(wait);
        var read = new List<ParsedEvent>();
        try
        {
            await foreach (var sseEvent in events.ReadAllAsync(timeout.Token))
            {
                read.Add(sseEvent.Parse());
            }
            await events.Completion.WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            Assert.Fail($"The channel did not complete within {wait} (read {read.Count} events).");
        }
        return read;
    }

    /// <summary>Completes when the token is cancelled.</summary>
    public static Task WhenCancelled(this CancellationToken token)
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        token.Register(() => cancelled.TrySetResult());
        return cancelled.Task;
    }

    /// <summary>True when nothing is queued within <paramref name="wait"/>; for asserting that something does not happen.</summary>
    public static async Task<bool> StaysEmptyAsync(this ChannelReader<SseEvent> events, TimeSpan wait)
    {
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            return !await events.WaitToReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }
}
