using Akka.Hosting;
using OpenTelemetry.Resources;
using Serilog;
using Serilog.Events;
using Sse.Actors.Hosting;
using Sse.Actors.Http;
using Sse.Actors.Security;
using Sse.Host.Samples.Notifications;

namespace Sse.Host;

/// <summary>
/// The runnable broker: one node, the SSE endpoints, health checks, <c>/metrics</c>, the demo
/// page at <c>/</c> and the sample notification service (<c>POST /api/v1/notifications</c>). Tests
/// build the same application (with <c>--urls http://127.0.0.1:0</c>) so what they check is what ships.
/// </summary>
public static class SseHostApp
{
    /// <param name="configure">Changes services or configuration before the app is built.</param>
    /// <param name="configureAkka">Adds actors or HOCON to the broker's actor system.</param>
    /// <param name="configureLogging">Adds Serilog sinks or settings (tests capture logs with it).</param>
    public static WebApplication Build(
        string[] args,
        Action<WebApplicationBuilder>? configure = null,
        Action<AkkaConfigurationBuilder, IServiceProvider>? configureAkka = null,
        Action<LoggerConfiguration>? configureLogging = null)
    {
        // Content root next to the binaries, so `dotnet out/Sse.Host.dll` works from any directory.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        // Its own logger, not Serilog's static one: otherwise every host in a process (an app's integration tests) logs
        // through whichever started last, and the first to stop silences the others.
        builder.Services.AddSerilog((services, logger) =>
        {
            logger
                // Hosting starts an Activity and a log scope per request whenever its logger is on even for Critical, held for a
                // stream's whole life (about 0.4 kB per connection); its lines are request starts and ends, which a stream
                // server does not need. Serilog turns a source off at one level above Fatal.
                .MinimumLevel.Override("Microsoft.AspNetCore.Hosting.Diagnostics", LogEventLevel.Fatal + 1)
                .ReadFrom.Configuration(builder.Configuration)
                .Enrich.FromLogContext()
                .Enrich.With(new TokenRedactingEnricher(builder.Configuration["Sse:Auth:Jwt:TokenQueryParameter"]))
                .WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}");
            configureLogging?.Invoke(logger);
        }, preserveStaticLogger: true);
        builder.Services.AddSseBroker(builder.Configuration, configureAkka);
        builder.Services.AddSseMetrics();
        // Names the service in the scrape's target_info (and in any exporter the app adds).
        builder.Services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService("sse-broker"));
        builder.Services.AddNotifications();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseCors();
        app.UseRateLimiter();
        app.MapGet("/", () => Results.Content(DemoPage.Html, "text/html; charset=utf-8"));
        app.MapGet("/sse-client.js", () => Results.Content(DemoPage.Client, "text/javascript; charset=utf-8"));
        app.MapSseBroker();
        app.MapSseHealthChecks();
        // Open unless Sse:Metrics:Hosts names a management host or port (docs/metrics.md).
        app.MapSseMetrics();
        app.MapNotifications();
        return app;
    }
}
