using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;
using Sse.Tests.Cluster;
using Sse.Tests.Http;

namespace Sse.Tests.Browser;

/// <summary>
/// A real <c>EventSource</c> whose server restarts (a deploy): with the history in SQLite, it
/// reconnects by itself to the new process on the same port and gets what was sent while it was
/// away, each event exactly once, with no <c>reset</c>.
/// </summary>
[Trait("Category", TestCategories.Browser)]
public sealed class RestartTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    private const string OpenEventSource = """
        url => {
          window.received = [];
          const source = new EventSource(url);
          for (const name of ['message', 'n', 'close', 'reset']) {
            source.addEventListener(name, e => window.received.push({ type: e.type, data: e.data, id: e.lastEventId }));
          }
          window.source = source;
        }
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("sse-sqlite-").FullName;
    private readonly ConcurrentQueue<string> _pageErrors = new();
    private readonly HeldReconnects _reconnects = new();
    private IBrowserContext _context = null!;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _context.CloseAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_browser_resumes_after_the_server_restarts_with_every_event_once()
    {
        var settings = new Dictionary<string, string>
        {
            ["urls"] = $"http://127.0.0.1:{ClusterNodes.FreePort()}",
            ["Sse:HistorySize"] = "100",
            ["Sse:HistoryStore:Provider"] = "Sqlite",
            ["Sse:HistoryStore:ConnectionString"] = $"Data Source={Path.Combine(_folder, "history.db")}",
            ["Sse:ReconnectDelay"] = "00:00:00.200",
        };
        var userId = Guid.NewGuid().ToString();
        var before = await BrokerHost.StartAsync(settings);
        IPage page;
        await using (before)
        {
            _context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = before.Address.ToString() });
            _context.SetDefaultTimeout((float)BrokerHost.FactTimeout.TotalMilliseconds);
            page = await _context.NewPageAsync();
            page.PageError += (_, error) => _pageErrors.Enqueue(error);
            await _reconnects.InstallAsync(page);
            await page.GotoAsync("/");
            await page.EvaluateAsync(OpenEventSource, BrokerHost.StreamPath(userId));
            await AwaitReceivedAsync(page, "welcome");
            await before.Broker.SendToUserAsync(userId, "n", "before");
            await AwaitReceivedAsync(page, "before");
            await before.StopAsync();
        }

        // The browser retries while no server listens; its next request waits here until the events it misses are sent.
        await using var after = await BrokerHost.StartAsync(settings);
        var reconnect = await _reconnects.NextAsync();
        for (var i = 1; i <= 3; i++)
        {
            await after.Broker.SendToUserAsync(userId, "n", $"missed-{i}");
        }
        await _reconnects.ReleaseAsync(reconnect);
        await AwaitWelcomesAsync(page, 2);
        await after.Broker.SendToUserAsync(userId, "n", "after");
        await AwaitReceivedAsync(page, "after");

        var received = (await page.EvaluateAsync<JsonElement>("() => window.received")).EnumerateArray()
            .Select(e => (Type: e.GetProperty("type").GetString()!, Data: e.GetProperty("data").GetString()!))
            .ToList();
        Assert.Equal(["before", "missed-1", "missed-2", "missed-3", "after"], received.Where(e => e.Type == "n").Select(e => e.Data));
        Assert.DoesNotContain(received, e => e.Type == "reset");
        Assert.Empty(_pageErrors);
        await page.EvaluateAsync("() => window.source.close()");
    }

    private static async Task AwaitReceivedAsync(IPage page, string data) =>
        await page.WaitForFunctionAsync("d => window.received.some(e => e.data === d || e.data.includes('\"type\":\"' + d + '\"'))", data);

    private static async Task AwaitWelcomesAsync(IPage page, int count) =>
        await page.WaitForFunctionAsync("n => window.received.filter(e => e.data.includes('\"type\":\"welcome\"')).length >= n", count);
}
