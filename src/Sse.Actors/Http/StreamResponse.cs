using System.Buffers;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Sse.Actors.Clients;
using Sse.Actors.Diagnostics;
using Sse.Actors.Events;

namespace Sse.Actors.Http;

/// <summary>
/// A stream's response: its headers, then the connection's buffer pumped into it — what is queued is written (up to
/// <see cref="MaxEventsPerFlush"/>), then flushed once, and the flushed events are counted. The one place an event's
/// <c>id:</c> line is written, by the node's <see cref="EventIdPolicy"/>.
/// </summary>
internal static class StreamResponse
{
    internal const int MaxEventsPerFlush = 64;

    public static async Task StartAsync(HttpContext context)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers.Connection = "keep-alive";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await response.StartAsync(context.RequestAborted);
        await response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    /// <remarks>
    /// A flush that waits longer than ClientTimeout means the browser stopped reading: the client
    /// actor sees it on its heartbeat tick (<see cref="ClientConnection.PendingFlush"/>) and aborts.
    /// </remarks>
    public static async Task PumpAsync(HttpContext context, ClientConnection connection, EventIdPolicy idPolicy, SseMetrics metrics)
    {
        var events = connection.Events;
        var output = context.Response.BodyWriter;
        var ids = idPolicy.ForConnection([.. connection.Streams.Select(stream => stream.Name)]);
        connection.OnAbort(context.Abort);
        try
        {
            while (await events.WaitToReadAsync(context.RequestAborted))
            {
                // Rented per write, not held per connection: an idle stream keeps no array.
                var publishedAt = ArrayPool<long>.Shared.Rent(MaxEventsPerFlush);
                var written = 0;
                var published = 0;
                while (written < MaxEventsPerFlush && events.TryRead(out var sseEvent))
                {
                    ids.WriteId(output, sseEvent);
                    output.Write(sseEvent.Utf8);
                    written++;
                    if (sseEvent.PublishedAt != 0)
                    {
                        publishedAt[published++] = sseEvent.PublishedAt;
                    }
                }
                connection.FlushStarting();
                var flushed = await output.FlushAsync(context.RequestAborted);
                connection.FlushDone();
                metrics.Flushed(publishedAt.AsSpan(0, published), Stopwatch.GetTimestamp());
                ArrayPool<long>.Shared.Return(publishedAt);
                if (flushed.IsCompleted || flushed.IsCanceled)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The browser went away or the stream was cut; the client actor is stopped by the caller.
        }
        finally
        {
            metrics.Dropped(DiscardQueued(events));
        }
    }

    /// <summary>Empties the buffer of a stream that ended; returns how many published events it held.</summary>
    private static int DiscardQueued(ChannelReader<SseEvent> events)
    {
        var published = 0;
        while (events.TryRead(out var sseEvent))
        {
            if (sseEvent.PublishedAt != 0)
            {
                published++;
            }
        }
        return published;
    }
}
