using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Sse.Actors.Api;
using Sse.Actors.Hosting;

namespace Sse.Actors.Http;

public static class SseEndpointRouteBuilderExtensions
{
    public const string DefaultPrefix = "/api/v1/sse";

    /// <summary>
    /// Maps <c>GET {prefix}/stream</c> (EventSource), <c>POST {prefix}/send</c>, <c>POST {prefix}/send/batch</c> and <c>GET {prefix}/stats</c>.
    /// The returned group takes the usual endpoint conventions (<c>RequireAuthorization</c>, rate limiting, ...).
    /// CORS follows <c>Sse:AllowedOrigins</c> when the app calls <c>UseCors()</c>.
    /// </summary>
    public static RouteGroupBuilder MapSseBroker(this IEndpointRouteBuilder endpoints, string prefix = DefaultPrefix)
    {
        // Cross-origin browsers also need app.UseCors() in the pipeline.
        var group = endpoints.MapGroup(prefix).RequireCors(SseCors.PolicyName);
        // Rate limited per client IP when configured; needs app.UseRateLimiter() in the pipeline.
        group.MapGet("/stream", context => context.RequestServices.GetRequiredService<StreamEndpoint>().HandleAsync(context))
            .RequireRateLimiting(SseRateLimits.ConnectPolicy);
        group.MapPost("/send", (HttpContext context, SendEndpoint send) => send.HandleAsync(context))
            .AddEndpointFilter<PublisherCredentialFilter>();
        group.MapPost("/send/batch", (HttpContext context, SendEndpoint send) => send.HandleBatchAsync(context))
            .AddEndpointFilter<PublisherCredentialFilter>();
        group.MapGet("/stats", async (HttpContext context, ISseBroker broker) =>
            Results.Json(await broker.GetStatsAsync(context.RequestAborted), SseJson.Options))
            .AddEndpointFilter<PublisherCredentialFilter>();
        return group;
    }

    /// <summary>
    /// Maps <c>/healthz</c> (the process is alive: always 200 while it serves) and <c>/readyz</c>
    /// (the node is an Up member with working sharding and not stopping: 200, else 503) for load balancers.
    /// </summary>
    public static IEndpointConventionBuilder MapSseHealthChecks(this IEndpointRouteBuilder endpoints, string liveness = "/healthz", string readiness = "/readyz")
    {
        endpoints.MapHealthChecks(liveness, new HealthCheckOptions { Predicate = _ => false });
        return endpoints.MapHealthChecks(readiness, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(SseServiceCollectionExtensions.SseReadinessTag),
        });
    }
}
