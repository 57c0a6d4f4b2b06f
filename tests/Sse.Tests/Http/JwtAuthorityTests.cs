using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Sse.Tests.Http;

/// <summary>Tokens signed by an OpenID Connect authority's published keys (JWKS), here a stand-in authority on loopback.</summary>
[Trait("Category", TestCategories.Http)]
public sealed class JwtAuthorityTests : IAsyncLifetime
{
    private readonly RsaSecurityKey _authorityKey = new(RSA.Create(2048)) { KeyId = "authority-key" };
    private WebApplication _authority = null!;
    private string _issuer = "";
    private BrokerHost _host = null!;

    public async Task InitializeAsync()
    {
        _authority = WebApplication.CreateBuilder(["--urls=http://127.0.0.1:0"]).Build();
        _authority.MapGet("/.well-known/openid-configuration", () => Results.Json(new { issuer = _issuer, jwks_uri = $"{_issuer}/jwks" }));
        _authority.MapGet("/jwks", () => Results.Json(new
        {
            keys = new[] { JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(_authorityKey.Rsa.ExportParameters(false)) { KeyId = _authorityKey.KeyId }) },
        }));
        await _authority.StartAsync();
        _issuer = _authority.Urls.First();
        _host = await BrokerHost.StartAsync(new Dictionary<string, string>
        {
            ["Sse:Auth:Mode"] = "Jwt",
            ["Sse:Auth:Jwt:Authority"] = _issuer,
            ["Sse:Auth:Jwt:RequireHttpsMetadata"] = "false",
            ["Sse:Auth:Jwt:Issuer"] = _issuer,
            ["Sse:Auth:Jwt:Audience"] = "sse",
        });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _authority.StopAsync();
        await _authority.DisposeAsync();
    }

    [Fact]
    public async Task Token_signed_with_the_authoritys_published_key_streams()
    {
        var userId = Guid.NewGuid().ToString();
        await using var stream = await SseStream.OpenAsync(_host.Client, $"/api/v1/sse/stream?token={Token(userId, _authorityKey)}");
        await stream.WelcomeAsync();

        await _host.Broker.SendToUserAsync(userId, "n", "via the authority");

        Assert.Equal("via the authority", (await stream.NextEventAsync()).Data);
    }

    [Fact]
    public async Task Token_signed_with_another_key_is_401()
    {
        var stranger = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "authority-key" };

        using var response = await _host.Client.GetAsync($"/api/v1/sse/stream?token={Token(Guid.NewGuid().ToString(), stranger)}");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private string Token(string userId, SecurityKey key) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Subject = new ClaimsIdentity([new Claim("sub", userId)]),
        Issuer = _issuer,
        Audience = "sse",
        Expires = DateTime.UtcNow.AddMinutes(10),
        SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
    });
}
