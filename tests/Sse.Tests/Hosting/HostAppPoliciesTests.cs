using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Sse.Actors.Hosting;
using Sse.Tests.Http;

namespace Sse.Tests.Hosting;

/// <summary>The broker's CORS and rate-limit policies live beside the app's own: its default CORS policy, global limiter and rejection answer stay.</summary>
[Trait("Category", TestCategories.Http)]
public sealed class HostAppPoliciesTests
{
    private const string AppOrigin = "https://shop.example.com";
    private const string BrowserOrigin = "https://sse.example.com";

    [Fact]
    public async Task The_apps_default_CORS_policy_and_global_limiter_keep_working_beside_the_brokers_policies()
    {
        await using var app = await EmbeddedApp.StartAsync(builder =>
        {
            // The app's registrations come first, so the broker's would be the ones to overwrite them.
            builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy => policy.WithOrigins(AppOrigin)));
            builder.Services.AddRateLimiter(limiter =>
            {
                limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => context.Request.Path.StartsWithSegments("/app")
                    ? RateLimitPartition.GetFixedWindowLimiter("app", _ => new FixedWindowRateLimiterOptions { PermitLimit = 1, Window = TimeSpan.FromMinutes(1) })
                    : RateLimitPartition.GetNoLimiter("other"));
                limiter.RejectionStatusCode = StatusCodes.Status503ServiceUnavailable;
                limiter.OnRejected = (context, _) =>
                {
                    context.HttpContext.Response.Headers["X-App-Limited"] = "yes";
                    return ValueTask.CompletedTask;
                };
            });
            builder.Services.AddSseBroker(builder.Configuration);
        }, web =>
        {
            web.UseRateLimiter();
            web.MapGet("/app/ping", () => "pong");
        }, new Dictionary<string, string?>
        {
            ["Sse:AllowedOrigins:0"] = BrowserOrigin,
            ["Sse:Limits:ConnectionAttemptsPerMinutePerIp"] = "1",
        });
        var client = app.Client;

        using var appAnswer = await GetAsync(client, "/app/ping", AppOrigin);
        using var appLimited = await GetAsync(client, "/app/ping", AppOrigin);
        await using (var stream = await SseStream.OpenAsync(client, BrokerHost.StreamPath(Guid.NewGuid().ToString())))
        {
            await stream.WelcomeAsync();
            Assert.Equal(BrowserOrigin, await OriginAllowedAsync(client, BrowserOrigin));
        }
        using var streamLimited = await GetAsync(client, BrokerHost.StreamPath(Guid.NewGuid().ToString()), BrowserOrigin);

        Assert.Equal(HttpStatusCode.OK, appAnswer.StatusCode);
        Assert.Equal(AppOrigin, appAnswer.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, appLimited.StatusCode);
        Assert.True(appLimited.Headers.Contains("X-App-Limited"));
        // The broker's own limit answers its own way, and the app's rejection handler is not called for it.
        Assert.Equal(HttpStatusCode.TooManyRequests, streamLimited.StatusCode);
        Assert.NotNull(streamLimited.Headers.RetryAfter);
        Assert.False(streamLimited.Headers.Contains("X-App-Limited"));
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, string path, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Origin", origin);
        return await client.SendAsync(request);
    }

    /// <summary>The origin the broker's CORS policy allows for a stats request from <paramref name="origin"/>.</summary>
    private static async Task<string?> OriginAllowedAsync(HttpClient client, string origin)
    {
        using var response = await GetAsync(client, "/api/v1/sse/stats", origin);
        return response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) ? values.Single() : null;
    }
}
