using System.Diagnostics.Metrics;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using Sse.Actors.Diagnostics;
using Sse.Actors.Hosting;
using Sse.Actors.Http;
using Sse.Tests.Diagnostics;
using Sse.Tests.Http;

namespace Sse.Tests.Hosting;

/// <summary>
/// The broker in an app that logs with plain Microsoft.Extensions.Logging (no Serilog) and exports its own metrics:
/// the app gets Akka.NET's lines, one Prometheus exporter (its own), and the broker's tuned Akka.NET defaults.
/// </summary>
[Trait("Category", TestCategories.Http)]
public sealed class PlainAppTests
{
    private const long FourMiB = 4 * 1024 * 1024;

    [Fact]
    public async Task An_app_with_plain_logging_and_its_own_exporter_gets_Akka_lines_one_exporter_and_4_MiB_frames()
    {
        var logs = new CapturedLoggerProvider();
        await using var app = await StartAsync(builder =>
        {
            builder.Logging.ClearProviders().AddProvider(logs);
            // The app's own exporter, with the broker's meter added to it; no AddSseMetrics.
            builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(SseMetrics.MeterName).AddPrometheusExporter());
        }, web => web.MapPrometheusScrapingEndpoint());
        var node = Akka.Cluster.Cluster.Get(app.ActorSystem).SelfAddress.ToString();
        await using var stream = await SseStream.OpenAsync(app.Client, BrokerHost.StreamPath(Guid.NewGuid().ToString()));
        await stream.WelcomeAsync();

        var scrape = MetricsScrape.Parse(await app.Client.GetStringAsync("/metrics"));

        Assert.Contains(logs.From("Akka.Cluster"), line => line.Level == LogLevel.Information && line.Message.Contains("Started up successfully", StringComparison.Ordinal));
        Assert.Equal(1, scrape.Value("sse_client_connect_total", node));
        Assert.Equal(1, PrometheusExporters(app.Services.GetRequiredService<MeterProvider>()));
        Assert.Equal(FourMiB, app.ActorSystem.Settings.Config.GetByteSize("akka.remote.dot-netty.tcp.maximum-frame-size"));
        Assert.False(app.ActorSystem.Settings.Config.GetBoolean("akka.coordinated-shutdown.run-by-clr-shutdown-hook"));
        Assert.Equal("10", app.ActorSystem.Settings.Config.GetString("akka.log-dead-letters"));
    }

    [Fact]
    public async Task The_broker_starts_no_OpenTelemetry_of_its_own_while_its_meter_measures()
    {
        using var listener = new MeterListener();
        var instruments = new List<Instrument>();
        listener.InstrumentPublished = (instrument, _) =>
        {
            lock (instruments)
            {
                instruments.Add(instrument);
            }
        };
        listener.Start();

        await using var app = await StartAsync(_ => { }, _ => { });

        Assert.Null(app.Services.GetService<MeterProvider>());
        // Other hosts of the test run publish the same names: only this app's meter factory counts.
        var ownFactory = app.Services.GetRequiredService<IMeterFactory>();
        lock (instruments)
        {
            Assert.Contains(instruments, i => i.Meter.Name == SseMetrics.MeterName && i.Meter.Scope == ownFactory && i.Name == "sse_client_connect");
        }
    }

    [Fact]
    public async Task MapSseMetrics_without_AddSseMetrics_names_the_call_to_add()
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(_ => { }, web => web.MapSseMetrics()));

        Assert.Contains("AddSseMetrics()", failure.Message, StringComparison.Ordinal);
    }

    private static Task<EmbeddedApp> StartAsync(Action<WebApplicationBuilder> configure, Action<WebApplication> map) =>
        EmbeddedApp.StartAsync(builder =>
        {
            builder.Services.AddSseBroker(builder.Configuration);
            configure(builder);
        }, map);

    /// <summary>The Prometheus exporters an OpenTelemetry meter provider feeds, found by walking its OpenTelemetry objects.</summary>
    private static int PrometheusExporters(MeterProvider provider)
    {
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<(object Value, int Depth)>([(provider, 0)]);
        var exporters = 0;
        while (pending.TryPop(out var item))
        {
            var (value, depth) = item;
            if (!seen.Add(value))
            {
                continue;
            }
            if (value.GetType().Name == "PrometheusExporter")
            {
                exporters++;
            }
            if (depth == 6)
            {
                continue;
            }
            foreach (var child in Children(value).Where(child => child.GetType().Namespace?.StartsWith("OpenTelemetry", StringComparison.Ordinal) == true))
            {
                pending.Push((child, depth + 1));
            }
        }
        return exporters;
    }

    private static IEnumerable<object> Children(object value)
    {
        for (var type = value.GetType(); type is not null; type = type.BaseType)
        {
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (field.FieldType.IsValueType || field.GetValue(value) is not { } child)
                {
                    continue;
                }
                if (child is System.Collections.IEnumerable items and not string)
                {
                    foreach (var element in items)
                    {
                        if (element is not null)
                        {
                            yield return element;
                        }
                    }
                }
                yield return child;
            }
        }
    }
}
