using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Sse.Tests.Http;

[Trait("Category", TestCategories.Http)]
public sealed class PublisherCredentialTests
{
    private static readonly object Broadcast = new { target_type = "broadcast", data = "x" };

    [Fact]
    public async Task Api_key_send_and_stats_need_the_key_401_without_403_with_a_wrong_one()
    {
        await using var host = await BrokerHost.StartAsync(new Dictionary<string, string> { ["Sse:Publish:ApiKeys:0"] = "right-key" });

        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(host, key: null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(host, key: "wrong-key")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Send(host, key: "right-key")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Client.GetAsync("/api/v1/sse/stats")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Stats(host, "right-key")).StatusCode);
    }

    [Fact]
    public async Task Outside_Development_publishing_is_closed_until_a_credential_is_configured()
    {
        await using var host = await BrokerHost.StartAsync(new Dictionary<string, string>
        {
            ["environment"] = "Production",
            ["Sse:HeartbeatInterval"] = "00:00:05",
            ["Sse:Auth:AllowQueryString"] = "true",
        });

        using var response = await Send(host, key: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("credential", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Jwt_publisher_needs_the_publish_claim()
    {
        const string key = "a-test-signing-key-of-at-least-32-bytes!";
        await using var host = await BrokerHost.StartAsync(new Dictionary<string, string>
        {
            ["Sse:Auth:Mode"] = "Jwt",
            ["Sse:Auth:Jwt:SigningKey"] = key,
        });

        Assert.Equal(HttpStatusCode.OK, (await SendWithToken(host, Token(key, "sse:publish other"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendWithToken(host, Token(key, "read-only"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendWithToken(host, Token("some-other-key-that-is-at-least-32-bytes", "sse:publish"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(host, key: null)).StatusCode);
    }

    private static Task<HttpResponseMessage> Send(BrokerHost host, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/sse/send") { Content = JsonContent.Create(Broadcast) };
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }
        return host.Client.SendAsync(request);
    }

    private static Task<HttpResponseMessage> Stats(BrokerHost host, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/sse/stats");
        request.Headers.Add("X-Api-Key", key);
        return host.Client.SendAsync(request);
    }

    private static Task<HttpResponseMessage> SendWithToken(BrokerHost host, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/sse/send") { Content = JsonContent.Create(Broadcast) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return host.Client.SendAsync(request);
    }

    private static string Token(string key, string scope) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Subject = new ClaimsIdentity([new Claim("sub", Guid.NewGuid().ToString()), new Claim("scope", scope)]),
        Expires = DateTime.UtcNow.AddMinutes(10),
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
    });
}
