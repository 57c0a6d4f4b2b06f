using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Playwright;
using Sse.Tests.Http;

namespace Sse.Tests.Client;

/// <summary>
/// Tabs of one browser context (one origin, one user) that each run the browser client (<c>/sse-client.js</c>)
/// and record what it hands them: events, resets and statuses.
/// </summary>
public sealed class ClientTabs(IBrowser browser, Uri address) : IAsyncDisposable
{
    public ClientTabs(IBrowser browser, BrokerHost host)
        : this(browser, host.Address)
    {
    }

    // Connects the tab's client; `options` are connect's, with short reconnect delays for the tests, and what an
    // init script put in window.clientOptions (functions, which cannot travel as arguments).
    private const string Connect = """
        async options => {
          const { connect } = await import('/sse-client.js');
          window.got = []; window.resets = []; window.statuses = [];
          const sub = connect({ minDelay: 100, maxDelay: 1000, ...options, ...window.clientOptions });
          sub.on('*', e => window.got.push({ type: e.type, data: e.data, stream: e.stream }));
          sub.onReset(streams => window.resets.push(streams));
          sub.onStatus(s => window.statuses.push({ ...s, at: Date.now() }));
          window.sub = sub;
        }
        """;

    private readonly ConcurrentQueue<string> _pageErrors = new();
    private IBrowserContext? _context;

    public List<IPage> Pages { get; } = [];

    public IReadOnlyCollection<string> PageErrors => _pageErrors;

    /// <summary>Opens a tab whose client connects with these options, and waits until it is open.</summary>
    /// <param name="initScript">Runs before the page's own scripts, e.g. to take an API away.</param>
    public async Task<IPage> OpenAsync(object options, string? initScript = null)
    {
        _context ??= await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = address.ToString() });
        _context.SetDefaultTimeout((float)BrokerHost.FactTimeout.TotalMilliseconds);
        var page = await _context.NewPageAsync();
        page.PageError += (_, error) => _pageErrors.Enqueue(error);
        if (initScript is not null)
        {
            await page.AddInitScriptAsync(initScript);
        }
        await page.GotoAsync("/healthz");
        await page.EvaluateAsync(Connect, options);
        Pages.Add(page);
        await AwaitOpenAsync(page);
        return page;
    }

    public static async Task AwaitOpenAsync(IPage page)
    {
        try
        {
            await page.WaitForFunctionAsync("() => window.sub.status.state === 'open'");
        }
        catch (TimeoutException)
        {
            throw new TimeoutException("the client never opened; its statuses: " + await page.EvaluateAsync<string>("() => JSON.stringify(window.statuses)"));
        }
    }

    /// <summary>Waits until the tab received an event with each of these data.</summary>
    public static async Task AwaitReceivedAsync(IPage page, params string[] data) =>
        await page.WaitForFunctionAsync("data => data.every(d => window.got.some(e => e.data === d))", data);

    /// <summary>The data of the events the tab received, in order, optionally of one stream only.</summary>
    public static async Task<List<string>> ReceivedAsync(IPage page, string? stream = null) =>
        [.. (await page.EvaluateAsync<JsonElement>("() => window.got")).EnumerateArray()
            .Where(e => stream is null || e.GetProperty("stream").GetString() == stream)
            .Select(e => e.GetProperty("data").GetString()!)];

    public static async Task<List<string[]>> ResetsAsync(IPage page) =>
        [.. (await page.EvaluateAsync<JsonElement>("() => window.resets")).EnumerateArray()
            .Select(r => r.EnumerateArray().Select(s => s.GetString()!).ToArray())];

    public async ValueTask DisposeAsync()
    {
        if (_context is not null)
        {
            await _context.CloseAsync();
        }
    }
}
