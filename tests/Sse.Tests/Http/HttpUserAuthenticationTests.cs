using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Sse.Tests.Http;

/// <summary><c>Sse:Auth:Mode = User</c>: the stream belongs to whoever the application's own ASP.NET Core authentication says.</summary>
[Trait("Category", TestCategories.Http)]
public sealed class HttpUserAuthenticationTests
{
    private const string Key = "the-applications-own-key-of-32-bytes!!";

    [Fact]
    public async Task Stream_uses_the_user_the_applications_authentication_established()
    {
        await using var host = await BrokerHost.StartAsync(new Dictionary<string, string> { ["Sse:Auth:Mode"] = "User" }, configure: builder =>
            AddApplicationBearer(builder, Key));
        var userId = Guid.NewGuid().ToString();

        using var anonymous = await host.Client.GetAsync(BrokerHost.StreamPath(Guid.NewGuid().ToString()));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/sse/stream");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token(userId));
        using var response = await host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Eventually.HoldsAsync(async () => await host.Broker.GetUserConnectionCountAsync(userId) == 1, BrokerHost.FactTimeout, "the user's stream never subscribed");
    }

    /// <summary>The application's own authentication: bearer tokens signed with <paramref name="key"/>, claims as they are in the token.</summary>
    internal static void AddApplicationBearer(WebApplicationBuilder builder, string key) =>
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            options.MapInboundClaims = false;
            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidateIssuer = false,
                ValidateAudience = false,
                IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)),
            };
        });

    private static string Token(string userId) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Subject = new ClaimsIdentity([new Claim("sub", userId)]),
        Expires = DateTime.UtcNow.AddMinutes(10),
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(Key)), SecurityAlgorithms.HmacSha256),
    });
}
