using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Sse.Actors.Diagnostics;
using Sse.Actors.Http;
using Sse.Actors.Settings;

namespace Sse.Actors.Security;

/// <summary>
/// Guards <c>POST /send</c> and <c>GET /stats</c>: an <c>X-Api-Key</c> from <c>Sse:Publish:ApiKeys</c>, or (in
/// <c>Jwt</c> mode) a bearer token with the publish claim. No credential: 401; a credential that is not accepted: 403.
/// </summary>
public sealed class PublisherCredentialFilter(IOptions<SseOptions> options, IHostEnvironment environment, SseRefusalLog refusals)
    : IEndpointFilter
{
    public const string ApiKeyHeader = "X-Api-Key";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        var settings = options.Value;
        var publish = settings.Publish;
        var jwt = settings.Auth.Mode == SseAuthMode.Jwt;
        var required = publish.ApiKeys.Length > 0 || jwt || (!environment.IsDevelopment() && !publish.AllowAnonymous);
        if (!required)
        {
            return await next(invocation);
        }

        if (context.Request.Headers[ApiKeyHeader] is { Count: > 0 } presented)
        {
            return IsKnownKey(presented.ToString(), publish.ApiKeys)
                ? await next(invocation)
                : Refuse(context, StatusCodes.Status403Forbidden, "the API key is not accepted");
        }
        if (jwt && context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var result = await context.AuthenticateAsync(JwtAuthenticator.Scheme);
            if (!result.Succeeded)
            {
                return Refuse(context, StatusCodes.Status401Unauthorized, "the token is not valid");
            }
            var granted = result.Principal.FindAll(publish.Claim).SelectMany(c => c.Value.Split(' ')).Contains(publish.ClaimValue);
            return granted
                ? await next(invocation)
                : Refuse(context, StatusCodes.Status403Forbidden, $"the token lacks the '{publish.Claim}: {publish.ClaimValue}' claim needed to publish");
        }
        context.Response.Headers.WWWAuthenticate = jwt ? "Bearer, ApiKey" : "ApiKey";
        return Refuse(context, StatusCodes.Status401Unauthorized,
            jwt ? $"a publisher credential is required: the {ApiKeyHeader} header or a bearer token" : $"a publisher credential is required: the {ApiKeyHeader} header");
    }

    private static bool IsKnownKey(string presented, string[] keys)
    {
        var bytes = Encoding.UTF8.GetBytes(presented);
        var known = false;
        foreach (var key in keys)
        {
            // Constant time per key, and every key is compared, so timing tells nothing.
            known |= CryptographicOperations.FixedTimeEquals(bytes, Encoding.UTF8.GetBytes(key));
        }
        return known;
    }

    private IResult Refuse(HttpContext context, int status, string reason)
    {
        refusals.PublisherRefused(status == StatusCodes.Status401Unauthorized ? SseMetrics.SendErrors.Unauthorized : SseMetrics.SendErrors.Forbidden,
            $"{context.Request.Path}: {reason}");
        return SseJson.Error(status, reason);
    }
}
