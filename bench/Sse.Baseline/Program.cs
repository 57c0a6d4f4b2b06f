using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Features;
using Sse.Actors.Events;

// The yardstick for docs/performance.md: the smallest sound SSE server, with no actors and no cluster.
// Each connection has a bounded channel. Topics and users map to their connections. An event is
// encoded once (with the broker's own encoder), and a writer drains what is queued, then flushes.
// Same endpoints and JSON as the broker, so the load tool drives both.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();
var topics = new ConcurrentDictionary<string, ConcurrentDictionary<Connection, byte>>();
var users = new ConcurrentDictionary<Guid, ConcurrentDictionary<Connection, byte>>();
var everyone = new ConcurrentDictionary<Connection, byte>();

app.MapGet("/api/v1/sse/stream", async (HttpContext context) =>
{
    if (!Guid.TryParse(context.Request.Query["user_id"], out var userId))
    {
        context.Response.StatusCode = 401;
        return;
    }
    var connection = new Connection();
    var subscribed = context.Request.Query["topics"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries);
    everyone[connection] = 0;
    users.GetOrAdd(userId, _ => new())[connection] = 0;
    foreach (var topic in subscribed)
    {
        topics.GetOrAdd(topic, _ => new())[connection] = 0;
    }
    try
    {
        context.Response.ContentType = "text/event-stream";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        connection.Events.Writer.TryWrite(SseEncoder.Encode("message", """{"type":"welcome"}"""));
        var reader = connection.Events.Reader;
        while (await reader.WaitToReadAsync(context.RequestAborted))
        {
            while (reader.TryRead(out var sseEvent))
            {
                // The encoded bytes hold no id: written before them, as the broker's response writer does with history off.
                WriteIdLine(context.Response.BodyWriter, sseEvent.Id);
                context.Response.BodyWriter.Write(sseEvent.Utf8);
            }
            await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
        }
    }
    catch (OperationCanceledException)
    {
    }
    finally
    {
        everyone.TryRemove(connection, out _);
        users[userId].TryRemove(connection, out _);
        foreach (var topic in subscribed)
        {
            topics[topic].TryRemove(connection, out _);
        }
    }
});

app.MapPost("/api/v1/sse/send", async (HttpContext context) =>
{
    var body = await JsonSerializer.DeserializeAsync<JsonElement>(context.Request.Body);
    await context.Response.WriteAsJsonAsync(new { success = true, event_id = Publish(body) });
});

app.MapPost("/api/v1/sse/send/batch", async (HttpContext context) =>
{
    var body = await JsonSerializer.DeserializeAsync<JsonElement>(context.Request.Body);
    var results = body.EnumerateArray().Select(item => new { success = true, event_id = Publish(item) }).ToList();
    await context.Response.WriteAsJsonAsync(new { success = true, accepted = results.Count, rejected = 0, results });
});

app.Run();

string Publish(JsonElement message)
{
    var text = (string name) => message.TryGetProperty(name, out var value) ? value.GetString() : null;
    var sseEvent = SseEncoder.Encode(text("event") ?? "message", text("data") ?? "");
    var recipients = text("target_type") switch
    {
        "topic" => topics.GetValueOrDefault(text("topic") ?? ""),
        "user" => users.GetValueOrDefault(Guid.Parse(text("user_id")!)),
        _ => everyone,
    };
    foreach (var connection in recipients?.Keys ?? [])
    {
        connection.Events.Writer.TryWrite(sseEvent);
    }
    return sseEvent.Id;
}

app.Run();

static void WriteIdLine(IBufferWriter<byte> output, string id)
{
    var line = output.GetSpan(5 + System.Text.Encoding.UTF8.GetMaxByteCount(id.Length));
    "id: "u8.CopyTo(line);
    var written = 4 + System.Text.Encoding.UTF8.GetBytes(id, line[4..]);
    line[written] = (byte)'\n';
    output.Advance(written + 1);
}

internal sealed class Connection
{
    public Channel<SseEvent> Events { get; } = Channel.CreateBounded<SseEvent>(new BoundedChannelOptions(256) { SingleReader = true });
}
