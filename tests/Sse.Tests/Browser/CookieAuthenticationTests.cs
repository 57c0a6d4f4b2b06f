using System.Collections.Concurrent;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Sse.Tests.Http;

namespace Sse.Tests.Browser;

/// <summary>
/// The broker in <c>User</c> mode behind the application's own ASP.NET Core cookie authentication, and two
/// pages on other origins of the same site (other ports of 127.0.0.1, each its own Kestrel): one listed in
/// <c>Sse:AllowedOrigins</c>, one not.
/// </summary>
public sealed class CookieSite : IAsyncLifetime
{
    private WebApplication _allowedPage = null!;
    private WebApplication _otherPage = null!;

    public BrokerHost Host { get; private set; } = null!;

    public StreamAnswers StreamAnswers { get; } = new();

    public string AllowedOrigin { get; private set; } = "";

    public string OtherOrigin { get; private set; } = "";

    public async Task InitializeAsync()
    {
        (_allowedPage, AllowedOrigin) = await StartPageAsync();
        (_otherPage, OtherOrigin) = await StartPageAsync();
        Host = await BrokerHost.StartAsync(new Dictionary<string, string>
        {
            ["Sse:Auth:Mode"] = "User",
            ["Sse:AllowedOrigins:0"] = AllowedOrigin,
        }, configure: builder =>
        {
            builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie();
            builder.Services.AddSingleton<IStartupFilter, CookieLogin>();
            builder.Services.AddSingleton<IStartupFilter>(StreamAnswers);
        });
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await _allowedPage.DisposeAsync();
        await _otherPage.DisposeAsync();
    }

    /// <summary>An empty page; its origin is what the test is about.</summary>
    private static async Task<(WebApplication App, string Origin)> StartPageAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/", () => Results.Content("<!doctype html><title>app</title>", "text/html"));
        await app.StartAsync();
        return (app, app.Urls.First().TrimEnd('/'));
    }

    /// <summary><c>/login?user=</c> signs the browser in with the application's cookie, as its real login would.</summary>
    private sealed class CookieLogin : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            // Not app.Map: its path base would become the cookie's path.
            app.Use((context, nextMiddleware) => context.Request.Path == "/login"
                ? context.SignInAsync(new ClaimsPrincipal(new ClaimsIdentity(
                    [new Claim("sub", context.Request.Query["user"].ToString())], CookieAuthenticationDefaults.AuthenticationScheme)))
                : nextMiddleware(context));
            next(app);
        };
    }
}

/// <summary>The status the broker answered each stream request with, by the request's <c>Origin</c>.</summary>
public sealed class StreamAnswers : IStartupFilter
{
    private readonly ConcurrentDictionary<string, int> _statuses = new();

    public int? Answered(string origin) => _statuses.TryGetValue(origin, out var status) ? status : null;

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            await nextMiddleware(context);
            if (context.Request.Path.StartsWithSegments("/api/v1/sse/stream"))
            {
                _statuses[context.Request.Headers.Origin.ToString()] = context.Response.StatusCode;
            }
        });
        next(app);
    };
}

/// <summary>
/// Cookie authentication in headless Chromium: a page on an allowed origin streams with
/// <c>new EventSource(url, { withCredentials: true })</c> (or buys a ticket with its cookie), and a page on
/// an origin that is not allowed gets no stream.
/// </summary>
[Trait("Category", TestCategories.Browser)]
public sealed class CookieAuthenticationTests(CookieSite site, ChromiumFixture chromium)
    : IClassFixture<CookieSite>, IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    // Records what the page's EventSource receives, and whether it failed for good.
    private const string OpenEventSource = """
        ([url, withCredentials]) => {
          window.received = [];
          window.failed = false;
          const source = new EventSource(url, { withCredentials });
          for (const name of ['message', 'n']) {
            source.addEventListener(name, e => window.received.push(e.data));
          }
          source.onerror = () => { window.failed = source.readyState === EventSource.CLOSED; };
          window.source = source;
        }
        """;

    private const string Welcomed = "() => window.received.some(data => data.includes('\"type\":\"welcome\"'))";

    private IBrowserContext _context = null!;

    private string StreamUrl => new Uri(site.Host.Address, "/api/v1/sse/stream").ToString();

    public async Task InitializeAsync()
    {
        _context = await chromium.Browser.NewContextAsync();
        _context.SetDefaultTimeout((float)BrokerHost.FactTimeout.TotalMilliseconds);
    }

    public async Task DisposeAsync() => await _context.CloseAsync();

    [Fact]
    public async Task A_page_on_an_allowed_origin_streams_with_the_applications_cookie()
    {
        var userId = await LogInAsync();
        var page = await OpenAsync(site.AllowedOrigin);

        await page.EvaluateAsync(OpenEventSource, new object[] { StreamUrl, true });
        await page.WaitForFunctionAsync(Welcomed);
        await site.Host.Broker.SendToUserAsync(userId, "n", "for the signed-in user");

        await page.WaitForFunctionAsync("() => window.received.includes('for the signed-in user')");
        Assert.Equal(1, await site.Host.Broker.GetUserConnectionCountAsync(userId));
    }

    [Fact]
    public async Task A_page_on_another_origin_gets_no_stream()
    {
        var userId = await LogInAsync();
        var page = await OpenAsync(site.OtherOrigin);

        await page.EvaluateAsync(OpenEventSource, new object[] { StreamUrl, true });
        await page.WaitForFunctionAsync("() => window.failed");

        // Refused by the broker before any stream byte, not only hidden from the page by the browser.
        await Eventually.HoldsAsync(() => site.StreamAnswers.Answered(site.OtherOrigin) is not null, BrokerHost.FactTimeout, () => "the stream request never reached the broker");
        Assert.Equal(StatusCodes.Status403Forbidden, site.StreamAnswers.Answered(site.OtherOrigin));
        Assert.Empty(await page.EvaluateAsync<string[]>("() => window.received"));
        Assert.Equal(0, await site.Host.Broker.GetUserConnectionCountAsync(userId));
    }

    [Fact]
    public async Task A_page_on_an_allowed_origin_buys_a_ticket_with_its_cookie_and_streams_with_it()
    {
        var userId = await LogInAsync();
        var page = await OpenAsync(site.AllowedOrigin);
        var ticketUrl = new Uri(site.Host.Address, "/api/v1/sse/ticket").ToString();

        var answer = await page.EvaluateAsync<JsonElement>(
            "async url => (await fetch(url, { method: 'POST', credentials: 'include' })).json()", ticketUrl);
        Assert.True(answer.TryGetProperty("ticket", out var ticketProperty), $"no ticket: {answer}");
        var ticket = ticketProperty.GetString()!;
        await page.EvaluateAsync(OpenEventSource, new object[] { $"{StreamUrl}?ticket={Uri.EscapeDataString(ticket)}", false });
        await page.WaitForFunctionAsync(Welcomed);
        await site.Host.Broker.SendToUserAsync(userId, "n", "through the ticket");

        await page.WaitForFunctionAsync("() => window.received.includes('through the ticket')");
    }

    /// <summary>Signs the browser in on the broker's site: from then on it holds the application's HttpOnly cookie.</summary>
    private async Task<string> LogInAsync()
    {
        var userId = Guid.NewGuid().ToString();
        var login = await _context.NewPageAsync();
        var response = await login.GotoAsync(new Uri(site.Host.Address, $"/login?user={userId}").ToString());
        Assert.True(response?.Ok, $"login failed: {response?.Status}");
        await login.CloseAsync();
        return userId;
    }

    private async Task<IPage> OpenAsync(string origin)
    {
        var page = await _context.NewPageAsync();
        await page.GotoAsync(origin + "/");
        return page;
    }
}
