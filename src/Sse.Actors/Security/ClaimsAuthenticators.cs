using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Sse.Actors.Events;
using Sse.Actors.Settings;

namespace Sse.Actors.Security;

/// <summary>
/// <c>Sse:Auth:Mode = Jwt</c>: authenticates the request with the broker's JWT bearer scheme
/// (token from <c>Authorization: Bearer</c> or the <c>token</c> query parameter) and reads the
/// user and tenant from its claims.
/// </summary>
public sealed class JwtAuthenticator(IOptions<SseOptions> options) : ISseAuthenticator
{
    public const string Scheme = "SseJwt";

    public async ValueTask<SseAuthenticationResult> AuthenticateAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(Scheme);
        return result.Succeeded
            ? ClaimsIdentities.Read(result.Principal, options.Value.Auth)
            : SseAuthenticationResult.Fail(result.None ? "a bearer token is required" : "the token is not valid");
    }
}

/// <summary><c>Sse:Auth:Mode = User</c>: the ASP.NET Core user that the application's own authentication set.</summary>
public sealed class HttpUserAuthenticator(IOptions<SseOptions> options) : ISseAuthenticator
{
    public ValueTask<SseAuthenticationResult> AuthenticateAsync(HttpContext context) =>
        ValueTask.FromResult(context.User.Identity?.IsAuthenticated == true
            ? ClaimsIdentities.Read(context.User, options.Value.Auth)
            : SseAuthenticationResult.Fail("the request is not authenticated"));
}

internal static class ClaimsIdentities
{
    public static SseAuthenticationResult Read(ClaimsPrincipal principal, SseAuthOptions auth)
    {
        if (principal.FindFirst(auth.UserIdClaim)?.Value is not { } user)
        {
            return SseAuthenticationResult.Fail($"the '{auth.UserIdClaim}' claim is missing");
        }
        if (!SseIds.TryUserId(user, out var userId, out var problem))
        {
            return SseAuthenticationResult.Fail($"the '{auth.UserIdClaim}' claim {problem}");
        }
        string? tenantId = null;
        if (principal.FindFirst(auth.TenantIdClaim)?.Value is { Length: > 0 } tenant && !SseIds.TryTenantId(tenant, out tenantId, out problem))
        {
            return SseAuthenticationResult.Fail($"the '{auth.TenantIdClaim}' claim {problem}");
        }
        return SseAuthenticationResult.Success(new SseIdentity(userId, tenantId, ExpiresAt(principal)));
    }

    // A JWT's "exp" (seconds since the epoch): a stream must not outlive its token.
    private static DateTimeOffset? ExpiresAt(ClaimsPrincipal principal) =>
        long.TryParse(principal.FindFirst("exp")?.Value, out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
}
