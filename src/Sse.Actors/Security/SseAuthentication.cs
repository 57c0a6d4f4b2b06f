using Microsoft.AspNetCore.Http;
using Sse.Actors.Events;

namespace Sse.Actors.Security;

/// <summary>Who a stream belongs to. The ids follow the rule of <see cref="SseIds"/> and are kept as it normalizes them.</summary>
/// <param name="UserId">The user: an opaque string such as an identity provider's <c>sub</c>.</param>
/// <param name="TenantId">The tenant, or null for none: the stream's topics are the tenant's.</param>
/// <param name="ExpiresAt">When the credential behind the identity expires (a JWT's <c>exp</c>); the stream is closed then.</param>
/// <exception cref="ArgumentException">An id breaks the rule.</exception>
public sealed record SseIdentity(string UserId, string? TenantId, DateTimeOffset? ExpiresAt = null)
{
    public string UserId { get; } = SseIds.UserId(UserId, nameof(UserId));

    public string? TenantId { get; } = TenantId is null ? null : SseIds.TenantId(TenantId, nameof(TenantId));
}

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

internal static class SseAuthenticatorExtensions
{
    /// <summary>
    /// Authenticates with <paramref name="authenticator"/>. An identity it could not make because an id breaks the rule
    /// (<see cref="SseIdentity"/> throws) is a refusal with the reason, as for the built-in authenticators, not a server error.
    /// </summary>
    public static async ValueTask<SseAuthenticationResult> AuthenticateOrRefuseAsync(this ISseAuthenticator authenticator, HttpContext context)
    {
        try
        {
            return await authenticator.AuthenticateAsync(context);
        }
        catch (ArgumentException e) when (e.ParamName is nameof(SseIdentity.UserId) or nameof(SseIdentity.TenantId))
        {
            return SseAuthenticationResult.Fail(e.Message);
        }
    }
}

/// <summary>
/// The seed's default: trusts <c>user_id</c> (required) and <c>tenant_id</c> (optional) from the query string,
/// each an id by the rule of <see cref="SseIds"/>. Meant for development and trusted networks only.
/// </summary>
public sealed class QueryStringAuthenticator : ISseAuthenticator
{
    public ValueTask<SseAuthenticationResult> AuthenticateAsync(HttpContext context)
    {
        var query = context.Request.Query;
        if (!SseIds.TryUserId(query.TryGetValue("user_id", out var user) ? user.ToString() : null, out var userId, out var problem))
        {
            return ValueTask.FromResult(SseAuthenticationResult.Fail($"user_id {problem}"));
        }
        string? tenantId = null;
        var tenant = query["tenant_id"].ToString();
        if (tenant.Length > 0 && !SseIds.TryTenantId(tenant, out tenantId, out problem))
        {
            return ValueTask.FromResult(SseAuthenticationResult.Fail($"tenant_id {problem}"));
        }
        return ValueTask.FromResult(SseAuthenticationResult.Success(new SseIdentity(userId, tenantId)));
    }
}
