using System.Net;
using Xunit;

namespace Sse.Tests.Http;

[Trait("Category", TestCategories.Http)]
public sealed class CorsTests
{
    [Fact]
    public async Task Configured_origin_is_allowed_and_others_get_no_cors_headers()
    {
        await using var host = await BrokerHost.StartAsync(new Dictionary<string, string>
        {
            ["environment"] = "Production",
            ["Sse:HeartbeatInterval"] = "00:00:05",
            ["Sse:Auth:AllowQueryString"] = "true",
            ["Sse:Publish:AllowAnonymous"] = "true",
            ["Sse:AllowedOrigins:0"] = "https://app.example.com",
        });

        using var allowed = await StatsFrom(host, "https://app.example.com");
        using var other = await StatsFrom(host, "https://evil.example.net");

        Assert.Equal("https://app.example.com", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.False(other.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Outside_Development_no_origin_is_allowed_by_default()
    {
        await using var host = await BrokerHost.StartAsync(new Dictionary<string, string>
        {
            ["environment"] = "Production",
            ["Sse:HeartbeatInterval"] = "00:00:05",
            ["Sse:Auth:AllowQueryString"] = "true",
            ["Sse:Publish:AllowAnonymous"] = "true",
        });

        using var response = await StatsFrom(host, "https://app.example.com");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Preflight_for_send_names_the_allowed_method()
    {
        await using var host = await BrokerHost.StartAsync(new Dictionary<string, string> { ["Sse:AllowedOrigins:0"] = "https://app.example.com" });
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/v1/sse/send");
        preflight.Headers.Add("Origin", "https://app.example.com");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type");

        using var response = await host.Client.SendAsync(preflight);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Contains("POST", response.Headers.GetValues("Access-Control-Allow-Methods").Single());
    }

    private static Task<HttpResponseMessage> StatsFrom(BrokerHost host, string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/sse/stats");
        request.Headers.Add("Origin", origin);
        return host.Client.SendAsync(request);
    }
}
