using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sse.Actors.Api;
using Sse.Actors.Diagnostics;
using Sse.Actors.Hosting;
using Sse.Actors.Security;
using Sse.Actors.Settings;
using Sse.Actors.Tickets;

namespace Sse.Actors.Http;

public static class SseEndpointRouteBuilderExtensions
{
    public const string DefaultPrefix = "/api/v1/sse";

    /// <summary>
    /// Maps <c>GET {prefix}/stream</c> (EventSource), <c>POST {prefix}/ticket</c> (a stream ticket), <c>POST {prefix}/send</c>, <c>POST {prefix}/send/batch</c> and <c>GET {prefix}/stats</c>.
    /// The returned group takes the usual endpoint conventions (<c>RequireAuthorization</c>, rate limiting, ...).
    /// CORS follows <c>Sse:AllowedOrigins</c> when the app calls <c>UseCors()</c>.
    /// </summary>
    public static RouteGroupBuilder MapSseBroker(this IEndpointRouteBuilder endpoints, string prefix = DefaultPrefix)
    {
        // Cross-origin browsers also need app.UseCors() in the pipeline.
        var group = endpoints.MapGroup(prefix).RequireCors(SseCors.PolicyName);
        // Rate limited per client IP when configured; needs app.UseRateLimiter() in the pipeline.
        // Singletons, taken once from the app's services rather than per request from the request's scope, which an app
        // without middleware that resolves services per request (UseCors does) then never makes.
        var stream = new Lazy<StreamEndpoint>(endpoints.ServiceProvider.GetRequiredService<StreamEndpoint>);
        var ticket = new Lazy<TicketEndpoint>(endpoints.ServiceProvider.GetRequiredService<TicketEndpoint>);
        group.MapGet("/stream", context => stream.Value.HandleAsync(context))
            .RequireRateLimiting(SseRateLimits.ConnectPolicy);
        group.MapPost("/ticket", context => ticket.Value.HandleAsync(context));
        group.MapPost("/send", (HttpContext context, SendEndpoint send) => send.HandleAsync(context))
            .AddEndpointFilter(CountRefusedPublishers)
            .AddEndpointFilter<PublisherCredentialFilter>();
        group.MapPost("/send/batch", (HttpContext context, SendEndpoint send) => send.HandleBatchAsync(context))
            .AddEndpointFilter(CountRefusedPublishers)
            .AddEndpointFilter<PublisherCredentialFilter>();
        group.MapGet("/stats", async (HttpContext context, ISseBroker broker) =>
            Results.Json(await broker.GetStatsAsync(context.RequestAborted), SseJson.Options))
            .AddEndpointFilter<PublisherCredentialFilter>();
        return group;
    }

    /// <summary>
    /// Maps the Prometheus scrape endpoint of the exporter <c>AddSseMetrics</c> registers (the broker's
    /// meter and any other the app adds to its OpenTelemetry metrics). It is open to whoever reaches
    /// it: <c>Sse:Metrics:Hosts</c> serves it only on those hosts or ports (e.g. <c>*:9464</c>, a port
    /// the app also listens on and the firewall keeps internal), and the returned builder takes
    /// <c>RequireAuthorization</c>, <c>RequireHost</c> and the like.
    /// </summary>
    public static IEndpointConventionBuilder MapSseMetrics(this IEndpointRouteBuilder endpoints, string path = "/metrics")
    {
        if (endpoints.ServiceProvider.GetService<SseMetricsExport>() is null)
        {
            throw new InvalidOperationException(
                "MapSseMetrics serves the Prometheus exporter that builder.Services.AddSseMetrics() registers: call it too, or serve your own exporter's endpoint instead.");
        }
        var scrape = endpoints.MapPrometheusScrapingEndpoint(path).DisableHttpMetrics();
        // Read when the endpoints are built, after start-up has validated the options.
        scrape.Add(endpoint =>
        {
            var hosts = endpoint.ApplicationServices.GetRequiredService<IOptions<SseOptions>>().Value.Metrics.Hosts;
            if (hosts.Length > 0)
            {
                endpoint.Metadata.Add(new HostAttribute(hosts));
            }
        });
        return scrape;
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

    // Outside the credential filter, so its 401 and 403 count as send errors (and not those of /stats).
    private static async ValueTask<object?> CountRefusedPublishers(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var result = await next(invocation);
        if (result is IStatusCodeHttpResult { StatusCode: StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden } refused)
        {
            invocation.HttpContext.RequestServices.GetRequiredService<SseMetrics>().SendRefused(
                refused.StatusCode == StatusCodes.Status401Unauthorized ? SseMetrics.SendErrors.Unauthorized : SseMetrics.SendErrors.Forbidden);
        }
        return result;
    }
}
