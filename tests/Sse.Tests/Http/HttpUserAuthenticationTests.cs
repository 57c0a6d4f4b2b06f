using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Sse.Tests.Http;

/// <summary><c>Sse:Auth:Mode = User</c>: the stream belongs to whoever the application's own ASP.NET Core authentication says.</summary>
public sealed class HttpUserAuthenticationTests
{
    private const string Key = "the-applications-own-key-of-32-bytes!!";

    [Fact]
    public async Task Stream_uses_the_user_the_applications_authentication_established()
    {
        await using var host = await BrokerHost.StartAsync(new Dictionary<string, string> { ["Sse:Auth:Mode"] = "User" }, configure: builder =>
            builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
            {
                options.MapInboundClaims = false;
                options.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidateIssuer = false,
                    ValidateAudience = false,
                    IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(Key)),
                };
            }));
        var userId = Guid.NewGuid();

        using var anonymous = await host.Client.GetAsync(BrokerHost.StreamPath(Guid.NewGuid()));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/sse/stream");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token(userId));
        using var response = await host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Eventually.HoldsAsync(async () => await host.Broker.GetUserConnectionCountAsync(userId) == 1, BrokerHost.FactTimeout, "the user's stream never subscribed");
    }

    private static string Token(Guid userId) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Subject = new ClaimsIdentity([new Claim("sub", userId.ToString())]),
        Expires = DateTime.UtcNow.AddMinutes(10),
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(Key)), SecurityAlgorithms.HmacSha256),
    });
}
