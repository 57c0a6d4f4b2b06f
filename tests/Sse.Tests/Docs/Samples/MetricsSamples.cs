// docs/metrics.md. Lines marked "scaffold" make the samples compile and are left out of the docs.
using Microsoft.AspNetCore.Builder; // scaffold
using Microsoft.Extensions.DependencyInjection; // scaffold
using OpenTelemetry.Metrics; // scaffold
using Sse.Actors.Diagnostics; // scaffold
using Sse.Actors.Hosting; // scaffold
using Sse.Actors.Http; // scaffold

namespace Sse.Tests.Docs.Samples.Metrics; // scaffold

public static class OwnMeters // scaffold
{ // scaffold
    public static void Run(string[] args) // scaffold
    { // scaffold
        var builder = WebApplication.CreateBuilder(args); // scaffold
        builder.Services.AddSseBroker(builder.Configuration);   // the meter
        builder.Services.AddSseMetrics();                        // OpenTelemetry with the Prometheus exporter
        // Your own meters join the same scrape:
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter("MyCompany.Orders"));
        var app = builder.Build();
        app.UseCors();
        app.MapSseBroker();
        app.MapSseMetrics();                                     // GET /metrics
        app.Run(); // scaffold
    } // scaffold
} // scaffold

public static class OwnExporter // scaffold
{ // scaffold
    public static void Run(string[] args) // scaffold
    { // scaffold
        var builder = WebApplication.CreateBuilder(args); // scaffold
        builder.Services.AddSseBroker(builder.Configuration);
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(SseMetrics.MeterName)                      // the broker's instruments
            .AddPrometheusExporter());                           // your exporter, the only one
        var app = builder.Build();
        app.UseCors();
        app.MapSseBroker();
        app.MapPrometheusScrapingEndpoint();
        app.Run(); // scaffold
    } // scaffold
} // scaffold
