using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Sse.Actors.Events;
using Sse.Actors.Security;
using Sse.Tests.Http;

namespace Sse.Tests.Security;

/// <summary>A host per authentication mode: the query string (the default in Development), <c>Jwt</c> (and its tickets), and <c>User</c>.</summary>
public sealed class OpaqueIdHosts : IAsyncLifetime
{
    public const string Key = "an-opaque-id-test-signing-key-32-bytes!";

    public BrokerHost Query { get; private set; } = null!;

    public BrokerHost Jwt { get; private set; } = null!;

    public BrokerHost User { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Query = await BrokerHost.StartAsync();
        Jwt = await BrokerHost.StartAsync(new Dictionary<string, string> { ["Sse:Auth:Mode"] = "Jwt", ["Sse:Auth:Jwt:SigningKey"] = Key });
        User = await BrokerHost.StartAsync(new Dictionary<string, string> { ["Sse:Auth:Mode"] = "User" }, configure: builder =>
            HttpUserAuthenticationTests.AddApplicationBearer(builder, Key));
    }

    public async Task DisposeAsync()
    {
        await Query.DisposeAsync();
        await Jwt.DisposeAsync();
        await User.DisposeAsync();
    }
}

/// <summary>
/// User and tenant ids are opaque strings in every authentication mode, over real HTTP: identity providers' <c>sub</c>
/// values of every common shape stream, receive what is sent to them, and keep their tenant's topics apart.
/// </summary>
[Trait("Category", TestCategories.Http)]
public sealed class OpaqueIdTests(OpaqueIdHosts hosts) : IClassFixture<OpaqueIdHosts>
{
    /// <summary>The shapes of <c>sub</c> values identity providers issue (each test makes its own, unique, id of the shape).</summary>
    public static TheoryData<string> Shapes => new(["auth0", "numeric", "email", "azure-ad", "google", "separators"]);

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task Query_string_ids_of_every_shape_stream_and_receive_through_send(string shape)
    {
        var (user, tenant, topic) = (NewId(shape), NewId(shape), NewTopic());
        await using var stream = await SseStream.OpenAsync(hosts.Query.Client,
            $"{BrokerHost.StreamPath(user, topic)}&tenant_id={Uri.EscapeDataString(tenant)}");
        await stream.WelcomeAsync();

        using var toUser = await hosts.Query.SendAsync(new { target_type = "user", user_id = user, data = "to the user" });
        using var toTopic = await hosts.Query.SendAsync(new { target_type = "topic", topic, tenant_id = tenant, data = "to the tenant's topic" });

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (toUser.StatusCode, toTopic.StatusCode));
        Assert.Equal("to the user", (await stream.NextEventAsync()).Data);
        Assert.Equal("to the tenant's topic", (await stream.NextEventAsync()).Data);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task Jwt_subs_of_every_shape_stream_and_receive_from_the_broker(string shape)
    {
        var (user, tenant, topic) = (NewId(shape), NewId(shape), NewTopic());
        await using var stream = await SseStream.OpenAsync(hosts.Jwt.Client, $"/api/v1/sse/stream?token={Token(user, tenant)}&topics={topic}");
        await stream.WelcomeAsync();

        await hosts.Jwt.Broker.SendToUserAsync(user, "note", "to the user");
        await hosts.Jwt.Broker.SendToTenantTopicAsync(tenant, topic, "note", "to the tenant's topic");

        Assert.Equal("to the user", (await stream.NextEventAsync()).Data);
        Assert.Equal("to the tenant's topic", (await stream.NextEventAsync()).Data);
        // As the broker keeps it: an Azure AD object id in lowercase, any other id as written.
        Assert.Contains(SseIds.UserId(user), await hosts.Jwt.Broker.GetOnlineUsersAsync());
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task Tickets_carry_subs_of_every_shape(string shape)
    {
        var (user, tenant, topic) = (NewId(shape), NewId(shape), NewTopic());
        var issued = await TicketRequests.IssueAsync(hosts.Jwt, Token(user, tenant), topic);

        await using var stream = await SseStream.OpenAsync(hosts.Jwt.Client, TicketRequests.StreamPath(issued.Ticket, topic));
        await stream.WelcomeAsync();
        await hosts.Jwt.Broker.SendToUserAsync(user, "note", "to the user");
        await hosts.Jwt.Broker.SendToTenantTopicAsync(tenant, topic, "note", "to the tenant's topic");

        Assert.Equal("to the user", (await stream.NextEventAsync()).Data);
        Assert.Equal("to the tenant's topic", (await stream.NextEventAsync()).Data);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task Application_users_of_every_shape_stream_and_receive_through_send(string shape)
    {
        var (user, tenant, topic) = (NewId(shape), NewId(shape), NewTopic());
        using var client = new HttpClient { BaseAddress = hosts.User.Address, Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(user, tenant));
        await using var stream = await SseStream.OpenAsync(client, $"/api/v1/sse/stream?topics={topic}");
        await stream.WelcomeAsync();

        using var toUser = await hosts.User.SendAsync(new { target_type = "user", user_id = user, data = "to the user" });
        using var toTopic = await hosts.User.SendAsync(new { target_type = "topic", topic, tenant_id = tenant, data = "to the tenant's topic" });

        Assert.Equal("to the user", (await stream.NextEventAsync()).Data);
        Assert.Equal("to the tenant's topic", (await stream.NextEventAsync()).Data);
    }

    /// <summary>Pairs that would share an entity, a stream name or a stored history if the id were written into them as it is (or as a UUID's 32 digits).</summary>
    [Theory]
    [InlineData("~x", "x")]
    [InlineData("a,b", "a")]
    [InlineData("u:x", "x")]
    [InlineData("0b9a4cbe-3bd4-4f4c-9a53-2a4a0f0d6e11", "0b9a4cbe3bd44f4c9a532a4a0f0d6e11")]
    public async Task Users_whose_ids_differ_by_the_separators_of_keys_are_different_users(string user, string other)
    {
        await using var ofUser = await hosts.Query.ConnectAsync(user);
        await using var ofOther = await hosts.Query.ConnectAsync(other);

        using var response = await hosts.Query.SendAsync(new { target_type = "user", user_id = user, data = "for one user" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("for one user", (await ofUser.NextEventAsync()).Data);
        var marker = Guid.NewGuid().ToString();
        await hosts.Query.Broker.BroadcastAsync("marker", marker);
        Assert.Equal(marker, (await ofOther.NextEventAsync()).Data);
        Assert.Equal((1, 1), (await hosts.Query.Broker.GetUserConnectionCountAsync(user), await hosts.Query.Broker.GetUserConnectionCountAsync(other)));
    }

    [Fact]
    public async Task A_uuid_sub_in_capitals_is_the_user_of_the_uuid_in_lowercase()
    {
        var user = Guid.NewGuid();
        await using var stream = await SseStream.OpenAsync(hosts.Jwt.Client, $"/api/v1/sse/stream?token={Token(user.ToString().ToUpperInvariant())}");
        await stream.WelcomeAsync();

        await hosts.Jwt.Broker.SendToUserAsync(user.ToString(), "note", "one user");

        Assert.Equal("one user", (await stream.NextEventAsync()).Data);
        Assert.Equal(1, await hosts.Jwt.Broker.GetUserConnectionCountAsync(user.ToString("D").ToUpperInvariant()));
        Assert.Contains(user.ToString(), await hosts.Jwt.Broker.GetOnlineUsersAsync());
    }

    [Fact]
    public async Task A_sub_that_breaks_the_id_rule_is_401_saying_why()
    {
        using var tooLong = await hosts.Jwt.Client.GetAsync($"/api/v1/sse/stream?token={Token(new string('x', 257))}");
        using var control = await hosts.Jwt.Client.GetAsync($"/api/v1/sse/stream?token={Token("ali\u0007ce")}");
        using var badTenant = await hosts.Jwt.Client.GetAsync($"/api/v1/sse/stream?token={Token("alice", " acme")}");

        await TicketRequests.AssertRefusedAsync(tooLong, HttpStatusCode.Unauthorized, "the 'sub' claim has 257 characters, more than 256");
        await TicketRequests.AssertRefusedAsync(control, HttpStatusCode.Unauthorized, "the 'sub' claim contains a control character");
        await TicketRequests.AssertRefusedAsync(badTenant, HttpStatusCode.Unauthorized, "the 'tenant_id' claim begins or ends with white space");
    }

    [Fact]
    public async Task An_own_authenticator_whose_identity_breaks_the_id_rule_gets_401_with_the_reason_not_a_server_error()
    {
        await using var host = await BrokerHost.StartAsync(configure: builder =>
            builder.Services.AddSingleton<ISseAuthenticator, HeaderTrustingAuthenticator>());
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/sse/stream");
        request.Headers.Add("X-User", new string('x', 300));

        using var response = await host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        await TicketRequests.AssertRefusedAsync(response, HttpStatusCode.Unauthorized, "The user id has 300 characters, more than 256");
    }

    /// <summary>Trusts a header as it is, without checking it against the id rule.</summary>
    private sealed class HeaderTrustingAuthenticator : ISseAuthenticator
    {
        public ValueTask<SseAuthenticationResult> AuthenticateAsync(HttpContext context) =>
            ValueTask.FromResult(SseAuthenticationResult.Success(new SseIdentity(context.Request.Headers["X-User"].ToString(), null)));
    }

    /// <summary>A unique id of the shape: each test has users of its own.</summary>
    private static string NewId(string shape)
    {
        var unique = Guid.NewGuid();
        var digits = (BitConverter.ToUInt64(unique.ToByteArray()) % 1_000_000_000_000_000_000UL).ToString("D18");
        return shape switch
        {
            "auth0" => $"auth0|{unique:N}"[..30],
            "numeric" => digits[..10],
            "email" => $"alice.{digits[..6]}@example.com",
            // Azure AD object ids are GUIDs; written in capitals, the broker keeps them in lowercase.
            "azure-ad" => unique.ToString().ToUpperInvariant(),
            "google" => $"1{digits}12",
            // The characters stream keys, query strings and topics are made of.
            "separators" => $"~u:t,{digits[..6]}|#&=?/ +%b",
            _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, null),
        };
    }

    private static string NewTopic() => $"news-{Guid.NewGuid():N}";

    private static string Token(string userId, string? tenantId = null)
    {
        List<Claim> claims = [new("sub", userId)];
        if (tenantId is not null)
        {
            claims.Add(new Claim("tenant_id", tenantId));
        }
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Expires = DateTime.UtcNow.AddMinutes(10),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(OpaqueIdHosts.Key)), SecurityAlgorithms.HmacSha256),
        });
    }
}
