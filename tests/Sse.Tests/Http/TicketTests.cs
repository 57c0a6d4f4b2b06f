using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Sse.Tests.Http;

/// <summary>A host in <c>Jwt</c> mode that logs everything, request URLs included, so a leaked token or ticket would show.</summary>
public sealed class TicketHost : IAsyncLifetime
{
    public const string Key = "a-ticket-test-signing-key-of-32-bytes!!";

    internal CapturedLogs Logs { get; } = new();

    public BrokerHost Host { get; private set; } = null!;

    public static Dictionary<string, string> JwtSettings() => new()
    {
        ["Sse:Auth:Mode"] = "Jwt",
        ["Sse:Auth:Jwt:SigningKey"] = Key,
        ["Sse:Auth:AllowedTopics:0"] = "news-*",
        ["Sse:AllowedOrigins:0"] = AllowedOrigin,
    };

    public const string AllowedOrigin = "https://app.example.com";

    public async Task InitializeAsync()
    {
        var settings = JwtSettings();
        settings["Serilog:MinimumLevel:Default"] = "Verbose";
        settings["Serilog:MinimumLevel:Override:Microsoft.AspNetCore"] = "Verbose";
        // Sse.Host turns the request lines off; an operator who turns them on gets them redacted.
        settings["Serilog:MinimumLevel:Override:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Verbose";
        Host = await BrokerHost.StartAsync(settings, logging: logger => logger.WriteTo.Sink(Logs));
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>
/// The ticket tests check what their host logs. A host's loggers write through the process's static Serilog
/// logger as it was when each logger was made, and every host built takes that over: these run alone, after the
/// tests that run in parallel, so no other host is built while theirs runs.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TicketLogCollection
{
    public const string Name = "Ticket logs";
}

/// <summary>
/// <c>POST /ticket</c> exchanges the stream's credential for a short-lived, single-use ticket that opens the
/// stream as <c>?ticket=</c>; a ticket reused, expired, forged or presented for other topics is a 401 before any stream byte.
/// </summary>
[Collection(TicketLogCollection.Name)]
[Trait("Category", TestCategories.Http)]
public sealed class TicketTests(TicketHost fixture) : IClassFixture<TicketHost>
{
    private BrokerHost Host => fixture.Host;

    [Fact]
    public async Task A_ticket_streams_the_users_events_and_its_topics()
    {
        var userId = Guid.NewGuid().ToString();
        var topic = $"news-{Guid.NewGuid():N}";
        var issued = await TicketRequests.IssueAsync(Host, TicketRequests.Token(userId), topic);

        await using var stream = await SseStream.OpenAsync(Host.Client, TicketRequests.StreamPath(issued.Ticket, topic));
        await stream.WelcomeAsync();
        await Host.Broker.SendToUserAsync(userId, "n", "for the user");
        await Host.Broker.SendToTopicAsync(topic, "n", "on the topic");

        Assert.Equal("for the user", (await stream.NextEventAsync()).Data);
        Assert.Equal("on the topic", (await stream.NextEventAsync()).Data);
        Assert.Equal([topic], issued.Topics);
        Assert.InRange(issued.ExpiresAt, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddSeconds(31));
        // Logged URLs carry no ticket, and nothing logs the token.
        Assert.Contains(fixture.Logs.Lines(), line => line.Contains("ticket=[redacted]"));
        Assert.DoesNotContain(fixture.Logs.Lines(), line => line.Contains(issued.Ticket));
    }

    [Fact]
    public async Task A_ticket_opens_one_stream_only()
    {
        var userId = Guid.NewGuid().ToString();
        var issued = await TicketRequests.IssueAsync(Host, TicketRequests.Token(userId));
        await using var first = await SseStream.OpenAsync(Host.Client, TicketRequests.StreamPath(issued.Ticket));
        await first.WelcomeAsync();

        using var again = await Host.Client.GetAsync(TicketRequests.StreamPath(issued.Ticket), HttpCompletionOption.ResponseHeadersRead);

        await TicketRequests.AssertRefusedAsync(again, HttpStatusCode.Unauthorized, "the ticket has already been used");
        Assert.Equal(1, await Host.Broker.GetUserConnectionCountAsync(userId));
        Assert.Contains(fixture.Logs.Lines(), line => line.StartsWith("Stream refused") && line.Contains("the ticket has already been used"));
    }

    [Fact]
    public async Task A_ticket_opens_no_topic_it_was_not_issued_for()
    {
        var topic = $"news-{Guid.NewGuid():N}";
        var issued = await TicketRequests.IssueAsync(Host, TicketRequests.Token(Guid.NewGuid().ToString()), topic);

        using var other = await Host.Client.GetAsync(TicketRequests.StreamPath(issued.Ticket, $"{topic},news-other"), HttpCompletionOption.ResponseHeadersRead);

        await TicketRequests.AssertRefusedAsync(other, HttpStatusCode.Unauthorized, "the ticket does not grant topic 'news-other'");
    }

    [Fact]
    public async Task A_forged_or_altered_ticket_is_refused()
    {
        var issued = await TicketRequests.IssueAsync(Host, TicketRequests.Token(Guid.NewGuid().ToString()));
        var middle = issued.Ticket.Length / 2;
        var altered = issued.Ticket[..middle] + (issued.Ticket[middle] == 'A' ? 'B' : 'A') + issued.Ticket[(middle + 1)..];
        // The same code and settings, but its own key ring: what another deployment issued.
        await using var stranger = await BrokerHost.StartAsync(TicketHost.JwtSettings(), configure: builder =>
            builder.Services.AddDataProtection().SetApplicationName("another-deployment"));
        var foreign = await TicketRequests.IssueAsync(stranger, TicketRequests.Token(Guid.NewGuid().ToString()));

        foreach (var ticket in new[] { altered, foreign.Ticket, "not-a-ticket", Guid.NewGuid().ToString("N") })
        {
            using var response = await Host.Client.GetAsync(TicketRequests.StreamPath(ticket), HttpCompletionOption.ResponseHeadersRead);

            await TicketRequests.AssertRefusedAsync(response, HttpStatusCode.Unauthorized, "the ticket is not valid");
        }
    }

    [Fact]
    public async Task A_ticket_of_the_format_before_string_ids_is_refused_asking_for_a_new_one()
    {
        // Format 1, as issued when ids were UUIDs: this key ring's protection, still valid for a minute.
        using var payload = new MemoryStream();
        using (var w = new BinaryWriter(payload))
        {
            w.Write((byte)1);
            w.Write(Guid.NewGuid().ToByteArray());
            w.Write(Guid.NewGuid().ToByteArray());
            w.Write(false);
            w.Write(Guid.Empty.ToByteArray());
            w.Write(false);
            w.Write(0L);
            w.Write(DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeMilliseconds());
            w.Write(0);
        }
        var protector = Host.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("Sse.Actors.StreamTicket");
        var oldTicket = Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(protector.Protect(payload.ToArray()));

        using var response = await Host.Client.GetAsync(TicketRequests.StreamPath(oldTicket), HttpCompletionOption.ResponseHeadersRead);

        await TicketRequests.AssertRefusedAsync(response, HttpStatusCode.Unauthorized, "the ticket was issued in another format");
    }

    [Fact]
    public async Task A_page_on_an_allowed_origin_may_buy_a_ticket_with_its_bearer_token()
    {
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/v1/sse/ticket");
        preflight.Headers.Add("Origin", TicketHost.AllowedOrigin);
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization");

        using var response = await Host.Client.SendAsync(preflight);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(TicketHost.AllowedOrigin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("authorization", response.Headers.GetValues("Access-Control-Allow-Headers").Single(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_ticket_expires_with_the_credential_it_was_bought_with()
    {
        var expires = DateTime.UtcNow.AddSeconds(5);
        var issued = await TicketRequests.IssueAsync(Host, TicketRequests.Token(Guid.NewGuid().ToString(), expires));

        Assert.True(issued.ExpiresAt <= new DateTimeOffset(expires), $"the ticket lives until {issued.ExpiresAt:O}, past its token's {expires:O}");
    }

    [Fact]
    public async Task A_ticket_is_bought_with_the_streams_credential_in_a_header_and_for_allowed_topics_only()
    {
        var token = TicketRequests.Token(Guid.NewGuid().ToString());
        using var anonymous = await Host.Client.PostAsync("/api/v1/sse/ticket", null);
        using var inTheUrl = await Host.Client.PostAsync($"/api/v1/sse/ticket?token={token}", null);
        using var denied = await TicketRequests.RequestAsync(Host, token, "sports");

        await TicketRequests.AssertRefusedAsync(anonymous, HttpStatusCode.Unauthorized, "a bearer token is required");
        await TicketRequests.AssertRefusedAsync(inTheUrl, HttpStatusCode.BadRequest, "Authorization header");
        await TicketRequests.AssertRefusedAsync(denied, HttpStatusCode.Forbidden, "'sports' is not allowed");
        Assert.DoesNotContain(fixture.Logs.Lines(), line => line.Contains(token));
    }
}

/// <summary>The settings of tickets: <c>Sse:Auth:TicketLifetime</c>, and <c>Sse:Auth:Jwt:AllowTokenInQuery</c> turned off once pages use them.</summary>
[Trait("Category", TestCategories.Http)]
public sealed class TicketSettingsTests
{
    [Fact]
    public async Task With_tokens_in_the_query_turned_off_only_a_ticket_or_the_header_opens_a_stream()
    {
        var settings = TicketHost.JwtSettings();
        settings["Sse:Auth:Jwt:AllowTokenInQuery"] = "false";
        await using var host = await BrokerHost.StartAsync(settings);
        var token = TicketRequests.Token(Guid.NewGuid().ToString());

        using var inTheUrl = await host.Client.GetAsync($"/api/v1/sse/stream?token={token}", HttpCompletionOption.ResponseHeadersRead);
        var issued = await TicketRequests.IssueAsync(host, token);
        await using var stream = await SseStream.OpenAsync(host.Client, TicketRequests.StreamPath(issued.Ticket));

        await TicketRequests.AssertRefusedAsync(inTheUrl, HttpStatusCode.Unauthorized, "a bearer token is required");
        await stream.WelcomeAsync();
    }

    [Fact]
    public async Task A_ticket_past_its_lifetime_is_refused_as_expired()
    {
        var settings = TicketHost.JwtSettings();
        settings["Sse:Auth:TicketLifetime"] = "00:00:01";
        await using var host = await BrokerHost.StartAsync(settings);
        var before = DateTimeOffset.UtcNow;

        var issued = await TicketRequests.IssueAsync(host, TicketRequests.Token(Guid.NewGuid().ToString()));
        // The fact waited for is the expiry the broker announced.
        var left = issued.ExpiresAt - DateTimeOffset.UtcNow;
        await Task.Delay(left > TimeSpan.Zero ? left + TimeSpan.FromMilliseconds(50) : TimeSpan.Zero);
        using var response = await host.Client.GetAsync(TicketRequests.StreamPath(issued.Ticket), HttpCompletionOption.ResponseHeadersRead);

        Assert.InRange(issued.ExpiresAt, before.AddSeconds(1), DateTimeOffset.UtcNow);
        await TicketRequests.AssertRefusedAsync(response, HttpStatusCode.Unauthorized, "the ticket has expired");
    }
}

/// <summary>Asking for tickets and using them, as a page's script does.</summary>
public static class TicketRequests
{
    public sealed record Issued(string Ticket, DateTimeOffset ExpiresAt, string[] Topics);

    public static string StreamPath(string ticket, string? topics = null) =>
        $"/api/v1/sse/stream?ticket={Uri.EscapeDataString(ticket)}" + (topics is null ? "" : $"&topics={Uri.EscapeDataString(topics)}");

    public static async Task<HttpResponseMessage> RequestAsync(BrokerHost host, string token, string? topics = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/sse/ticket" + (topics is null ? "" : $"?topics={Uri.EscapeDataString(topics)}"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await host.Client.SendAsync(request);
    }

    public static async Task<Issued> IssueAsync(BrokerHost host, string token, string? topics = null)
    {
        using var response = await RequestAsync(host, token, topics);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new Issued(body.GetProperty("ticket").GetString()!, body.GetProperty("expires_at").GetDateTimeOffset(),
            [.. body.GetProperty("topics").EnumerateArray().Select(topic => topic.GetString()!)]);
    }

    /// <summary>Refused with a JSON reason, never as an event stream.</summary>
    public static async Task AssertRefusedAsync(HttpResponseMessage response, HttpStatusCode status, string reason)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(reason, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
    }

    public static string Token(string userId, DateTime? expires = null) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Subject = new ClaimsIdentity([new Claim("sub", userId)]),
        NotBefore = DateTime.UtcNow.AddMinutes(-1),
        Expires = expires ?? DateTime.UtcNow.AddMinutes(10),
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(TicketHost.Key)), SecurityAlgorithms.HmacSha256),
    });
}
