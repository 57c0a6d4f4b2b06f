using System.Net;
using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Threading.Channels;

namespace Sse.Tests.Http;

/// <summary>A client's view of one event stream, parsed with <see cref="SseParser"/> as a browser would.</summary>
public sealed class SseStream : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<SseItem<string>> _received = Channel.CreateUnbounded<SseItem<string>>();
    private readonly Task _pump;

    private SseStream(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _pump = PumpAsync(body);
    }

    public HttpResponseMessage Response => _response;

    public string? ClientId { get; private set; }

    /// <summary>Completes when the server ends the stream (or the connection breaks).</summary>
    public Task Ended => _received.Reader.Completion;

    /// <param name="lastEventId">Sent as the <c>Last-Event-ID</c> header, as a reconnecting browser does.</param>
    public static async Task<SseStream> OpenAsync(HttpClient client, string path, string? lastEventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var body = await response.Content.ReadAsStringAsync();
            throw new InvalidOperationException($"stream refused: {(int)response.StatusCode} {body}");
        }
        return new SseStream(response, await response.Content.ReadAsStreamAsync());
    }

    /// <summary>The next event of any type, heartbeats included.</summary>
    public async Task<SseItem<string>> NextAsync(TimeSpan? timeout = null)
    {
        using var wait = new CancellationTokenSource(timeout ?? BrokerHost.FactTimeout);
        try
        {
            return await _received.Reader.ReadAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("no event arrived in time");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException("the stream ended");
        }
    }

    /// <summary>The next event that is not a heartbeat.</summary>
    public async Task<SseItem<string>> NextEventAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? BrokerHost.FactTimeout);
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException("only heartbeats arrived in time");
            }
            var item = await NextAsync(left);
            if (item.EventType != "heartbeat")
            {
                return item;
            }
        }
    }

    /// <summary>The welcome's id: with history on, where each of the connection's streams starts.</summary>
    public string? WelcomeId { get; private set; }

    public async Task WelcomeAsync()
    {
        var welcome = await NextEventAsync();
        WelcomeId = welcome.EventId;
        using var data = JsonDocument.Parse(welcome.Data);
        if (welcome.EventType != "message" || data.RootElement.GetProperty("type").GetString() != "welcome")
        {
            throw new InvalidOperationException($"expected the welcome event first, got {welcome.EventType}: {welcome.Data}");
        }
        ClientId = data.RootElement.GetProperty("client_id").GetString();
    }

    /// <summary>Every event until the stream ends.</summary>
    public async Task<List<SseItem<string>>> ReadToEndAsync(TimeSpan? timeout = null)
    {
        using var wait = new CancellationTokenSource(timeout ?? BrokerHost.FactTimeout);
        var items = new List<SseItem<string>>();
        await foreach (var item in _received.Reader.ReadAllAsync(wait.Token))
        {
            items.Add(item);
        }
        return items;
    }

    private async Task PumpAsync(Stream body)
    {
        try
        {
            await foreach (var item in SseParser.Create(body).EnumerateAsync(_stop.Token))
            {
                _received.Writer.TryWrite(item);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException)
        {
            // The connection ended; Ended completes.
        }
        finally
        {
            _received.Writer.TryComplete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _response.Dispose();
        await _pump;
    }
}
