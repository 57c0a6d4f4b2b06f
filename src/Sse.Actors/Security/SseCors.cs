using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Sse.Actors.Settings;

namespace Sse.Actors.Security;

/// <summary>The CORS policy of the SSE endpoints, from <see cref="SseOptions.AllowedOrigins"/> (never a hard-coded <c>*</c>).</summary>
public static class SseCors
{
    public const string PolicyName = "Sse";

    internal static void Configure(CorsPolicyBuilder policy, SseOptions options, IHostEnvironment environment)
    {
        policy.WithMethods("GET", "POST").WithHeaders("Content-Type", "Authorization", "Last-Event-ID");
        if (options.AllowedOrigins.Length > 0)
        {
            policy.WithOrigins(options.AllowedOrigins);
            // The application's cookies go with `new EventSource(url, { withCredentials: true })` from the listed origins only.
            if (options.Auth.Mode == SseAuthMode.User)
            {
                policy.AllowCredentials();
            }
        }
        else if (environment.IsDevelopment())
        {
            policy.AllowAnyOrigin();
        }
    }

    /// <summary>
    /// In <c>User</c> mode a browser sends the application's cookies from any page: a request from another
    /// origin that the policy does not allow is refused, so such a page opens no stream (and uses up no slot
    /// of the user's), not even one it could not read. Requests without <c>Origin</c> (same origin, not a browser) pass.
    /// </summary>
    /// <returns>The refused origin, or null.</returns>
    internal static async Task<string?> RefusedOriginAsync(HttpContext context, SseOptions options)
    {
        if (options.Auth.Mode != SseAuthMode.User || context.Request.Headers.Origin.ToString() is not { Length: > 0 } origin)
        {
            return null;
        }
        var request = context.Request;
        if (string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var policy = await context.RequestServices.GetRequiredService<ICorsPolicyProvider>().GetPolicyAsync(context, PolicyName);
        return policy is not null && (policy.AllowAnyOrigin || policy.IsOriginAllowed(origin)) ? null : origin;
    }
}
