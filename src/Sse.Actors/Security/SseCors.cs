using Microsoft.AspNetCore.Cors.Infrastructure;
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
        }
        else if (environment.IsDevelopment())
        {
            policy.AllowAnyOrigin();
        }
    }
}
