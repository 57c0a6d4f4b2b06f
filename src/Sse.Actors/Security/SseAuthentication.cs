using Microsoft.AspNetCore.Http;

namespace Sse.Actors.Security;

/// <summary>Who a stream belongs to.</summary>
/// <param name="ExpiresAt">When the credential behind the identity expires (a JWT's <c>exp</c>); the stream is closed then.</param>
public sealed record SseIdentity(Guid UserId, Guid? TenantId, DateTimeOffset? ExpiresAt = null);

/// <summary>The outcome of authenticating a stream request: an identity, or the reason it was refused (sent with a 401).</summary>
public sealed record SseAuthenticationResult(SseIdentity? Identity, string? FailureReason)
{
    public static SseAuthenticationResult Success(SseIdentity identity) => new(identity, null);

    public static SseAuthenticationResult Fail(string reason) => new(null, reason);
}

/// <summary>Decides who is connecting (the seed's <c>Authenticator</c>). Register your own to replace the default.</summary>
public interface ISseAuthenticator
{
    ValueTask<SseAuthenticationResult> AuthenticateAsync(HttpContext context);
}

/// <summary>
/// The seed's default: trusts <c>user_id</c> (required UUID) and <c>tenant_id</c> (optional UUID)
/// from the query string. Meant for development and trusted networks only.
/// </summary>
public sealed class QueryStringAuthenticator : ISseAuthenticator
{
    public ValueTask<SseAuthenticationResult> AuthenticateAsync(HttpContext context)
    {
        var query = context.Request.Query;
        if (!Guid.TryParse(query["user_id"].ToString(), out var userId) || userId == Guid.Empty)
        {
            return ValueTask.FromResult(SseAuthenticationResult.Fail("user_id is missing or is not a non-empty UUID"));
        }
        Guid? tenantId = null;
        var tenant = query["tenant_id"].ToString();
        if (tenant.Length > 0)
        {
            if (!Guid.TryParse(tenant, out var parsed))
            {
                return ValueTask.FromResult(SseAuthenticationResult.Fail("tenant_id is not a UUID"));
            }
            tenantId = parsed;
        }
        return ValueTask.FromResult(SseAuthenticationResult.Success(new SseIdentity(userId, tenantId)));
    }
}
