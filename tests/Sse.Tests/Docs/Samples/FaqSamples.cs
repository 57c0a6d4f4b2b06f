// docs/faq.md. Lines marked "scaffold" make the samples compile and are left out of the docs.
using Microsoft.AspNetCore.Http; // scaffold
using Microsoft.Extensions.Options; // scaffold
using Sse.Actors.Api; // scaffold
using Sse.Actors.Security; // scaffold
using Sse.Actors.Settings; // scaffold

namespace Sse.Tests.Docs.Samples.Faq; // scaffold

/// <summary>
/// Jwt mode, plus at most three streams per user in the whole cluster. The count comes from the
/// user's entity (one round trip); two connects at the same moment can both pass.
/// </summary>
public sealed class ClusterWideLimitAuthenticator(IOptions<SseOptions> options, ISseBroker broker) : ISseAuthenticator
{
    private const int MaxStreamsPerUser = 3;
    private readonly JwtAuthenticator _jwt = new(options);

    public async ValueTask<SseAuthenticationResult> AuthenticateAsync(HttpContext context)
    {
        var result = await _jwt.AuthenticateAsync(context);
        if (result.Identity is { } identity &&
            await broker.GetUserConnectionCountAsync(identity.UserId, context.RequestAborted) >= MaxStreamsPerUser)
        {
            return SseAuthenticationResult.Fail($"the user already holds {MaxStreamsPerUser} streams");
        }
        return result;
    }
}
