using System.Diagnostics.Metrics;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using Sse.Actors.Api;
using Sse.Actors.Diagnostics;
using Sse.Actors.Http;
using Sse.Actors.Security;
using Sse.Actors.Settings;
using Sse.Actors.Tickets;

namespace Sse.Actors.Hosting;

public static class SseServiceCollectionExtensions
{
    /// <summary>The health-check tag of the broker's readiness check.</summary>
    public const string SseReadinessTag = "ready";

    /// <summary>
    /// Adds the broker: options from the <c>Sse</c> section (validated at start), the actor system
    /// with its cluster and entities, <see cref="ISseBroker"/>, the default authenticator and
    /// topic resolver (register your own before or after to replace them), the graceful
    /// close of every stream when the host stops, and the <see cref="SseMetrics"/> meter with an
    /// OpenTelemetry Prometheus exporter (joining the app's own OpenTelemetry metrics, if any).
    /// Pair it with <c>app.MapSseBroker()</c>, and <c>app.MapSseMetrics()</c> to serve <c>/metrics</c>.
    /// </summary>
    /// <param name="configureAkka">Adds your own actors or HOCON to the same actor system.</param>
    public static IServiceCollection AddSseBroker(
        this IServiceCollection services,
        IConfiguration configuration,
        Action<AkkaConfigurationBuilder, IServiceProvider>? configureAkka = null)
    {
        services.AddOptions<SseOptions>().Bind(configuration.GetSection(SseOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SseOptions>, SseOptionsValidator>());
        SseAuthenticationServices.Add(services, configuration);
        services.TryAddSingleton<ISseTopicResolver, QueryStringTopicResolver>();
        services.TryAddSingleton<ISseTopicAuthorizer, ConfiguredTopicAuthorizer>();
        services.TryAddSingleton<ISseBroker, SseBroker>();
        services.TryAddSingleton<StreamEndpoint>();
        // Tickets are read with the app's Data Protection key ring: a cluster shares one (docs/security.md).
        services.AddDataProtection();
        services.TryAddSingleton<StreamTickets>();
        services.TryAddSingleton<TicketEndpoint>();
        services.TryAddSingleton<SendEndpoint>();
        services.AddMetrics();
        services.TryAddSingleton<SseMetrics>();
        services.TryAddSingleton<SseRefusalLog>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(SseMetrics.MeterName).AddPrometheusExporter());
        // OpenTelemetry listens to meters by name across the process: keep only this host's broker meter.
        services.ConfigureOpenTelemetryMeterProvider((provider, metrics) =>
        {
            var ownFactory = provider.GetRequiredService<IMeterFactory>();
            metrics.AddView(instrument =>
                instrument.Meter.Name == SseMetrics.MeterName && instrument.Meter.Scope != ownFactory ? MetricStreamConfiguration.Drop : null);
        });
        services.AddHostedService<StreamShutdown>();
        // One instance: it remembers whether the shard coordinators ever answered.
        services.TryAddSingleton<SseReadinessCheck>();
        services.AddHealthChecks()
            .AddCheck<SseReadinessCheck>("sse", tags: [SseReadinessTag])
            .AddCheck<SseHistoryStoreCheck>("sse-history-store", tags: [SseReadinessTag]);
        services.AddCors();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<SseOptions>>((limiter, sse) => SseRateLimits.Configure(limiter, sse.Value.Limits));
        services.AddOptions<CorsOptions>().Configure<IOptions<SseOptions>, IHostEnvironment>((cors, sse, environment) =>
            cors.AddPolicy(SseCors.PolicyName, policy => SseCors.Configure(policy, sse.Value, environment)));
        services.AddAkka(SseAkkaConfiguration.ActorSystemName, (builder, provider) =>
        {
            builder.WithSseBroker(provider.GetRequiredService<IOptions<SseOptions>>().Value, provider.GetRequiredService<SseMetrics>());
            configureAkka?.Invoke(builder, provider);
        });
        return services;
    }
}
