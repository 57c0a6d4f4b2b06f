using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Sse.Tests.Http;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Sse.Tests.Browser;

/// <summary>The demo page at <c>/</c> in a real browser: its own form sends, the browser client it imports receives.</summary>
[Trait("Category", TestCategories.Browser)]
public sealed class DemoPageTests(SharedBrokerHost fixture, ChromiumFixture chromium, ITestOutputHelper output)
    : IClassFixture<SharedBrokerHost>, IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    private readonly ConcurrentQueue<string> _pageErrors = new();
    private readonly ConcurrentQueue<string> _dialogs = new();
    private IBrowserContext _context = null!;
    private IPage _page = null!;

    public async Task InitializeAsync()
    {
        _context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = fixture.Host.Address.ToString() });
        _context.SetDefaultTimeout((float)BrokerHost.FactTimeout.TotalMilliseconds);
        _page = await _context.NewPageAsync();
        _page.PageError += (_, error) => _pageErrors.Enqueue(error);
        _page.Dialog += (_, dialog) =>
        {
            _dialogs.Enqueue(dialog.Message);
            _ = dialog.DismissAsync();
        };
        await _page.GotoAsync("/");
    }

    public async Task DisposeAsync() => await _context.CloseAsync();

    [Fact]
    public async Task Page_shows_what_its_form_sends_to_its_user_its_topic_and_everyone()
    {
        var topic = $"news-{Guid.NewGuid():N}";
        await ConnectAsync(Guid.NewGuid().ToString(), topic);

        // Event names the page was never told about: the client hands it every event.
        var toUser = await SendAsync("user", "order-shipped", "to user");
        var toTopic = await SendAsync("topic", "task", """{"task_id":7}""", topic);
        var toAll = await SendAsync("broadcast", "announcement", "to everyone");

        await ExpectLoggedAsync(toUser, "order-shipped", "to user");
        await ExpectLoggedAsync(toTopic, "task", "{\n  \"task_id\": 7\n}");
        await ExpectLoggedAsync(toAll, "announcement", "to everyone");
        await Expect(_page.Locator("#count-messages")).ToHaveTextAsync("3"); // the browser client keeps the welcome to itself
        await ExpectCountersMatchTheLogAsync();
        await Expect(_page.Locator("#connected-for")).ToHaveTextAsync(new Regex(@"^\d+s$"));
        await ScreenshotAsync(nameof(Page_shows_what_its_form_sends_to_its_user_its_topic_and_everyone));
        Assert.Empty(_pageErrors);
    }

    [Fact]
    public async Task Topic_sent_from_the_page_reaches_it_when_connected_with_a_tenant()
    {
        var topic = $"orders-{Guid.NewGuid():N}";
        await ConnectAsync(Guid.NewGuid().ToString(), topic, tenantId: Guid.NewGuid().ToString());

        var toTopic = await SendAsync("topic", "task", "for my tenant", topic);

        await ExpectLoggedAsync(toTopic, "task", "for my tenant");
        Assert.Empty(_pageErrors);
    }

    [Fact]
    public async Task Html_in_event_data_and_name_is_shown_as_text()
    {
        const string html = "<img src=x onerror=alert(1)><b>bold</b>";
        const string htmlName = "<i>name</i>";
        await ConnectAsync(Guid.NewGuid().ToString(), $"news-{Guid.NewGuid():N}");

        var eventId = await SendAsync("user", htmlName, html);

        var entry = LogEntry(eventId);
        await ExpectLoggedAsync(eventId, htmlName, html);
        Assert.Equal(html, await entry.Locator(".log-data").EvaluateAsync<string>("e => e.textContent"));
        await Expect(_page.Locator("#log img, #log b, #log i")).ToHaveCountAsync(0);
        await ScreenshotAsync(nameof(Html_in_event_data_and_name_is_shown_as_text));
        Assert.Empty(_dialogs);
        Assert.Empty(_pageErrors);
    }

    [Fact]
    public async Task Broker_stats_fit_the_window_width()
    {
        // The page loads the stats itself; the nodes row holds the longest value.
        await Expect(_page.Locator("#stats td:text-is('nodes')")).ToHaveCountAsync(1);

        var widths = await _page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
        var (pageWidth, windowWidth) = (widths[0], widths[1]);
        Assert.True(pageWidth <= windowWidth, $"the page is {pageWidth}px wide in a {windowWidth}px window");
    }

    private async Task ConnectAsync(string userId, string topics, string? tenantId = null)
    {
        await _page.Locator("#user-id").FillAsync(userId);
        await _page.Locator("#topics").FillAsync(topics);
        if (tenantId is not null)
        {
            await _page.Locator("#tenant-id").FillAsync(tenantId);
        }
        await _page.Locator("#connect").ClickAsync();
        await Expect(_page.Locator("#state")).ToHaveTextAsync("open");
        // The welcome comes once every subscription is acknowledged: from then on nothing sent is missed.
        await Expect(_page.Locator("#client-id")).Not.ToHaveTextAsync("—");
    }

    /// <summary>Sends through the page's form and returns the event id the broker answered.</summary>
    private async Task<string> SendAsync(string targetType, string eventName, string data, string? topic = null)
    {
        await _page.Locator("#target-type").SelectOptionAsync(targetType);
        if (topic is not null)
        {
            await _page.Locator("#send-topic").FillAsync(topic);
        }
        await _page.Locator("#send-event").FillAsync(eventName);
        await _page.Locator("#send-data").FillAsync(data);

        var response = await _page.RunAndWaitForResponseAsync(() => _page.Locator("#send").ClickAsync(), "**/api/v1/sse/send");

        Assert.True(response.Ok, $"send answered {response.Status}: {await response.TextAsync()}");
        var eventId = (await response.JsonAsync())?.GetProperty("event_id").GetString();
        Assert.False(string.IsNullOrEmpty(eventId));
        await Expect(_page.Locator("#send-result")).ToHaveTextAsync($"Sent to {targetType} (event id: {eventId})");
        return eventId;
    }

    private ILocator LogEntry(string eventId) =>
        _page.Locator("#log .log-entry").Filter(new LocatorFilterOptions { Has = _page.Locator($".log-id:text-is('id: {eventId}')") });

    /// <summary>Exactly one entry, so nothing arrived twice.</summary>
    private async Task ExpectLoggedAsync(string eventId, string eventName, string data)
    {
        var entry = LogEntry(eventId);
        await Expect(entry).ToHaveCountAsync(1);
        await Expect(entry.Locator(".log-event")).ToHaveTextAsync(eventName);
        Assert.Equal(data, await entry.Locator(".log-data").TextContentAsync());
    }

    /// <summary>
    /// Heartbeats keep arriving, so the counters are read against the log in one script run:
    /// at least one heartbeat, as many as the log shows, and the newest id is the last event id.
    /// </summary>
    private async Task ExpectCountersMatchTheLogAsync()
    {
        const string countersMatch = """
            () => {
              const heartbeats = document.querySelectorAll('#log .log-entry[data-event="heartbeat"]').length;
              const newest = document.querySelector('#log .log-entry:not(.log-note) .log-id');
              return heartbeats > 0
                && document.getElementById('count-heartbeats').textContent === String(heartbeats)
                && newest !== null
                && 'id: ' + document.getElementById('last-event-id').textContent === newest.textContent;
            }
            """;
        try
        {
            await _page.WaitForFunctionAsync(countersMatch);
        }
        catch (TimeoutException)
        {
            var counters = await _page.Locator(".counters").InnerTextAsync();
            var heartbeats = await _page.Locator("#log .log-entry[data-event='heartbeat']").CountAsync();
            Assert.Fail($"the counters never matched the log ({heartbeats} heartbeats logged): {counters}");
        }
    }

    private async Task ScreenshotAsync(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "screenshots", $"{name}.png");
        await _page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        output.WriteLine($"screenshot: {path}");
    }
}
