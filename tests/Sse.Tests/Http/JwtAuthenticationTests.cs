using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Sse.Tests.Http;

/// <summary><c>Sse:Auth:Mode = Jwt</c>: only a valid token streams, from the query or the header, and it never reaches the logs.</summary>
[Trait("Category", TestCategories.Http)]
public sealed class JwtAuthenticationTests : IAsyncLifetime
{
    private const string Key = "a-test-signing-key-of-at-least-32-bytes!";
    private const string Issuer = "https://issuer.test";
    private const string Audience = "sse-tests";
    private readonly CapturedLogs _logs = new();
    private BrokerHost _host = null!;

    public async Task InitializeAsync() => _host = await BrokerHost.StartAsync(new Dictionary<string, string>
    {
        ["Sse:Auth:Mode"] = "Jwt",
        ["Sse:Auth:Jwt:SigningKey"] = Key,
        ["Sse:Auth:Jwt:Issuer"] = Issuer,
        ["Sse:Auth:Jwt:Audience"] = Audience,
        // Everything ASP.NET Core logs, request URLs included, so a leaked token would show.
        ["Serilog:MinimumLevel:Default"] = "Verbose",
        ["Serilog:MinimumLevel:Override:Microsoft.AspNetCore"] = "Verbose",
        // Sse.Host turns the request lines off; an operator who turns them on gets them redacted.
        ["Serilog:MinimumLevel:Override:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Verbose",
    }, logging: logger => logger.WriteTo.Sink(_logs));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Valid_token_in_the_query_streams_the_users_events()
    {
        var userId = Guid.NewGuid().ToString();
        var token = Token(userId);

        await using var stream = await SseStream.OpenAsync(_host.Client, $"/api/v1/sse/stream?token={token}");
        await stream.WelcomeAsync();
        await _host.Broker.SendToUserAsync(userId, "notification", "for the token's user");

        Assert.Equal("for the token's user", (await stream.NextEventAsync()).Data);
        // The request URL was logged, with the token redacted.
        Assert.Contains(_logs.Lines(), line => line.Contains("token=[redacted]"));
        Assert.DoesNotContain(_logs.Lines(), line => line.Contains(token));
    }

    [Fact]
    public async Task A_user_id_in_the_query_cannot_claim_another_users_events()
    {
        var (me, victim) = (Guid.NewGuid().ToString(), Guid.NewGuid().ToString());
        await using var stream = await SseStream.OpenAsync(_host.Client, $"/api/v1/sse/stream?token={Token(me)}&user_id={victim}");
        await stream.WelcomeAsync();

        await _host.Broker.SendToUserAsync(me, "mine", "for me");

        // The stream belongs to the token's user: the victim's entity has no subscriber to deliver to.
        Assert.Equal("for me", (await stream.NextEventAsync()).Data);
        Assert.Equal(1, await _host.Broker.GetUserConnectionCountAsync(me));
        Assert.Equal(0, await _host.Broker.GetUserConnectionCountAsync(victim));
    }

    [Fact]
    public async Task Valid_token_in_the_authorization_header_streams()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/sse/stream");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token(Guid.NewGuid().ToString()));

        using var response = await _host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
    }

    public static TheoryData<string, string> BadTokens => new()
    {
        { "expired", Token(Guid.NewGuid().ToString(), expires: DateTime.UtcNow.AddMinutes(-5), notBefore: DateTime.UtcNow.AddMinutes(-10)) },
        { "wrong signature", Token(Guid.NewGuid().ToString(), key: "another-signing-key-of-at-least-32-bytes") },
        { "wrong audience", Token(Guid.NewGuid().ToString(), audience: "someone-else") },
        { "wrong issuer", Token(Guid.NewGuid().ToString(), issuer: "https://evil.test") },
        { "missing sub claim", Token(null) },
        { "sub too long", Token(new string('x', 257)) },
        { "sub empty", Token("") },
        { "alg none", Unsigned(Guid.NewGuid().ToString()) },
        { "garbage", "not-a-token" },
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Invalid_token_is_401_and_never_logged(string why, string token)
    {
        using var response = await _host.Client.GetAsync($"/api/v1/sse/stream?token={Uri.EscapeDataString(token)}");

        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{why}: {response.StatusCode}");
        Assert.DoesNotContain(_logs.Lines(), line => line.Contains(token));
    }

    [Fact]
    public async Task No_token_is_401_and_a_user_id_in_the_query_is_not_trusted()
    {
        using var response = await _host.Client.GetAsync(BrokerHost.StreamPath(Guid.NewGuid().ToString()));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_stream_is_closed_once_its_token_expires()
    {
        var userId = Guid.NewGuid().ToString();
        await using var stream = await SseStream.OpenAsync(_host.Client, $"/api/v1/sse/stream?token={Token(userId, expires: DateTime.UtcNow.AddSeconds(2))}");
        await stream.WelcomeAsync();

        // The check runs on the heartbeat tick (1 s here): the stream ends within a tick of "exp".
        var rest = await stream.ReadToEndAsync(TimeSpan.FromSeconds(10));

        var close = Assert.Single(rest, item => item.EventType == "close");
        Assert.Equal("token expired", close.Data);
        Assert.Equal("close", rest[^1].EventType);
    }

    private static string Token(string? userId, string key = Key, string issuer = Issuer, string audience = Audience,
        DateTime? expires = null, DateTime? notBefore = null, Claim[]? extraClaims = null)
    {
        var claims = new List<Claim>(extraClaims ?? []);
        if (userId is { } id)
        {
            claims.Add(new Claim("sub", id));
        }
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Issuer = issuer,
            Audience = audience,
            NotBefore = notBefore ?? DateTime.UtcNow.AddMinutes(-1),
            Expires = expires ?? DateTime.UtcNow.AddMinutes(10),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>A token with <c>alg: none</c> and no signature, which must never be accepted.</summary>
    private static string Unsigned(string userId)
    {
        static string Encode(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));
        var exp = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds();
        return $"{Encode("""{"alg":"none","typ":"JWT"}""")}.{Encode($$"""{"sub":"{{userId}}","iss":"{{Issuer}}","aud":"{{Audience}}","exp":{{exp}}}""")}.";
    }
}
