using System.Collections.Concurrent;
using System.Text.Json;
using Akka.Actor;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Sse.Actors.Broker;
using Sse.Actors.Clients;
using Sse.Tests.Http;

namespace Sse.Tests.Browser;

/// <summary>
/// A host with history on that tells browsers to retry after 200 ms, and can cut a stream's TCP
/// connection the way a proxy or a load balancer does.
/// </summary>
public sealed class ReconnectBrokerHost : IAsyncLifetime
{
    public BrokerHost Host { get; private set; } = null!;

    public StreamRequests Requests { get; } = new();

    public async Task InitializeAsync() => Host = await BrokerHost.StartAsync(new Dictionary<string, string>
    {
        ["Sse:HistorySize"] = "100",
        ["Sse:ReconnectDelay"] = "00:00:00.200",
        // The entities must outlive the gap, or the reconnect gets a reset instead of a replay.
        ["Sse:EmptyEntityPassivation"] = "00:05:00",
    }, configure: builder => builder.Services.AddSingleton<IStartupFilter>(Requests));

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>
/// Keeps each open stream request by user id, so a test can abort its connection, and the
/// Last-Event-ID each request came with (the browser adds it below what Playwright's routes see).
/// </summary>
public sealed class StreamRequests : IStartupFilter
{
    private readonly ConcurrentDictionary<string, HttpContext> _streams = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _lastEventIds = new();

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            var userId = context.Request.Path.StartsWithSegments("/api/v1/sse/stream") ? context.Request.Query["user_id"].ToString() : "";
            if (userId.Length > 0)
            {
                _streams[userId] = context;
                _lastEventIds.GetOrAdd(userId, _ => new()).Enqueue(context.Request.Headers["Last-Event-ID"].ToString());
            }
            try
            {
                await nextMiddleware(context);
            }
            finally
            {
                _streams.TryRemove(new KeyValuePair<string, HttpContext>(userId, context));
            }
        });
        next(app);
    };

    /// <summary>The Last-Event-ID header of each stream request of the user, in order ("" when none).</summary>
    public IReadOnlyList<string> LastEventIds(string userId) => _lastEventIds.TryGetValue(userId, out var ids) ? [.. ids] : [];

    public void Cut(string userId)
    {
        Assert.True(_streams.TryGetValue(userId, out var stream), $"no open stream for user {userId}");
        stream.Abort();
    }
}

/// <summary>
/// A real <c>EventSource</c> whose stream the server drops: it reconnects by itself with its
/// Last-Event-ID and gets what it missed, each event exactly once, in order per stream.
/// </summary>
[Trait("Category", TestCategories.Browser)]
public sealed class ReconnectTests(ReconnectBrokerHost fixture, ChromiumFixture chromium)
    : IClassFixture<ReconnectBrokerHost>, IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    // Records what the page's EventSource receives: every event the tests send is named 'n' (user) or 'message' (topic).
    private const string OpenEventSource = """
        url => {
          window.received = [];
          window.opens = 0;
          const source = new EventSource(url);
          const record = e => window.received.push({ type: e.type, data: e.data, id: e.lastEventId });
          for (const name of ['message', 'n', 'close', 'reset']) {
            source.addEventListener(name, record);
          }
          source.addEventListener('open', () => window.opens++);
          window.source = source;
        }
        """;

    private readonly ConcurrentQueue<string> _pageErrors = new();
    private readonly HeldReconnects _reconnects = new();
    private IBrowserContext _context = null!;
    private IPage _page = null!;

    private BrokerHost Host => fixture.Host;

    public async Task InitializeAsync()
    {
        _context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Host.Address.ToString() });
        _context.SetDefaultTimeout((float)BrokerHost.FactTimeout.TotalMilliseconds);
        _page = await _context.NewPageAsync();
        _page.PageError += (_, error) => _pageErrors.Enqueue(error);
        await _reconnects.InstallAsync(_page);
        await _page.GotoAsync("/");
    }

    public async Task DisposeAsync()
    {
        await _page.EvaluateAsync("() => window.source?.close()");
        await _context.CloseAsync();
    }

    [Fact]
    public async Task Stream_closed_by_the_server_resumes_with_every_event_once() =>
        await Reconnects_and_receives_every_event_once(expectClose: true, drop: (_, clientId) =>
            Host.ActorSystem.ActorSelection($"/user/{BrokerActor.Name}/client-{clientId:N}").Tell(new ClientProtocol.Close(TimeSpan.FromSeconds(1))));

    [Fact]
    public async Task Stream_whose_connection_is_cut_resumes_with_every_event_once() =>
        await Reconnects_and_receives_every_event_once(expectClose: false, drop: (userId, _) => fixture.Requests.Cut(userId));

    /// <param name="drop">Ends the stream on the server's side, given the user id and the connection's client id.</param>
    private async Task Reconnects_and_receives_every_event_once(bool expectClose, Action<string, Guid> drop)
    {
        var userId = Guid.NewGuid().ToString();
        var topic = $"news-{Guid.NewGuid():N}";
        await _page.EvaluateAsync(OpenEventSource, BrokerHost.StreamPath(userId, topic));
        var clientId = await WelcomedClientIdAsync(1);

        await SendAsync(userId, topic, "before", 1, 2);
        await AwaitReceivedAsync("user-before-2", "topic-before-2");
        var lastIdBeforeDrop = await _page.EvaluateAsync<string>("() => window.received.at(-1).id");

        drop(userId, clientId);
        var reconnect = await _reconnects.NextAsync();
        await SendAsync(userId, topic, "missed", 1, 3);
        await _reconnects.ReleaseAsync(reconnect);

        await WelcomedClientIdAsync(2);
        Assert.Equal(["", lastIdBeforeDrop], fixture.Requests.LastEventIds(userId));
        await SendAsync(userId, topic, "after", 1, 2);
        await AwaitReceivedAsync("user-after-2", "topic-after-2");

        var received = (await _page.EvaluateAsync<JsonElement>("() => window.received")).EnumerateArray()
            .Select(e => (Type: e.GetProperty("type").GetString()!, Data: e.GetProperty("data").GetString()!, Id: e.GetProperty("id").GetString()!))
            .ToList();
        var sent = received.Where(e => !e.Data.StartsWith('{') && e.Type != "close").ToList();
        Assert.Equal(["user-before-1", "user-before-2", "user-missed-1", "user-missed-2", "user-missed-3", "user-after-1", "user-after-2"],
            sent.Where(e => e.Type == "n").Select(e => e.Data));
        Assert.Equal(["topic-before-1", "topic-before-2", "topic-missed-1", "topic-missed-2", "topic-missed-3", "topic-after-1", "topic-after-2"],
            sent.Where(e => e.Type == "message").Select(e => e.Data));
        Assert.Equal(sent.Count, sent.Select(e => e.Id).Distinct().Count());
        Assert.DoesNotContain(received, e => e.Type == "reset");
        Assert.Equal(expectClose ? 1 : 0, received.Count(e => e.Type == "close"));
        Assert.True(await _page.EvaluateAsync<int>("() => window.opens") >= 2, "the EventSource never reopened");
        Assert.Empty(_pageErrors);
    }

    /// <summary>Waits for the connection's <paramref name="count"/>th welcome: from then on it is subscribed.</summary>
    private async Task<Guid> WelcomedClientIdAsync(int count)
    {
        const string welcomes = "() => window.received.filter(e => e.type === 'message' && e.data.includes('\"type\":\"welcome\"'))";
        await _page.WaitForFunctionAsync($"n => ({welcomes})().length >= n", count);
        var welcome = await _page.EvaluateAsync<string>($"() => ({welcomes})().at(-1).data");
        return JsonDocument.Parse(welcome).RootElement.GetProperty("client_id").GetGuid();
    }

    private async Task SendAsync(string userId, string topic, string phase, int first, int last)
    {
        for (var i = first; i <= last; i++)
        {
            await Host.Broker.SendToUserAsync(userId, "n", $"user-{phase}-{i}");
            await Host.Broker.SendToTopicAsync(topic, "message", $"topic-{phase}-{i}");
        }
    }

    private async Task AwaitReceivedAsync(params string[] data) =>
        await _page.WaitForFunctionAsync("data => data.every(d => window.received.some(e => e.data === d))", data);
}
