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
using Sse.Actors.Clustering;
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
    /// Adds the broker to an app without its own Akka.NET: <see cref="AddSseBrokerServices"/> and an actor system
    /// (<c>Sse:ActorSystemName</c>, a cluster from <c>Sse:Cluster</c>, Akka.NET logging to the app's logger factory)
    /// that runs the broker. Pair it with <c>app.MapSseBroker()</c>. An app that already calls <c>AddAkka</c> calls
    /// <see cref="AddSseBrokerServices"/> and adds <c>.WithSseBroker(services)</c> to its own actor system instead.
    /// </summary>
    /// <param name="configureAkka">Adds your own actors or HOCON to the same actor system.</param>
    public static IServiceCollection AddSseBroker(
        this IServiceCollection services,
        IConfiguration configuration,
        Action<AkkaConfigurationBuilder, IServiceProvider>? configureAkka = null)
    {
        services.AddSseBrokerServices(configuration);
        // Read now: AddAkka names its system when registered. A bad name is refused by the options' validation at start.
        var name = configuration.GetSection(SseOptions.SectionName)[nameof(SseOptions.ActorSystemName)] ?? SseOptions.DefaultActorSystemName;
        services.AddAkka(name, (builder, provider) =>
        {
            builder.WithSseNode(provider);
            configureAkka?.Invoke(builder, provider);
        });
        // After AddAkka's: the actor system runs when the management endpoint starts the cluster bootstrap (Sse:Cluster:Bootstrap).
        services.AddHostedService<ClusterBootstrapEndpoint>();
        return services;
    }

    /// <summary>
    /// Adds the broker's services, without an actor system: options from the <c>Sse</c> section (validated at start),
    /// <see cref="ISseBroker"/>, the authenticator <c>Sse:Auth:Mode</c> names and the topic resolver and authorizer (register
    /// your own before or after to replace them), the graceful close of every stream when the host stops, the
    /// <see cref="SseMetrics"/> meter, the health checks, and a named CORS policy and rate-limiter policy beside the app's own.
    /// The broker itself joins the app's actor system with <c>.WithSseBroker(services)</c> in its <c>AddAkka</c>; start-up stops
    /// with the reason when it does not.
    /// </summary>
    public static IServiceCollection AddSseBrokerServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SseOptions>().Bind(configuration.GetSection(SseOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SseOptions>, SseOptionsValidator>());
        // The cluster's certificate is loaded once, by this check at start, and presented by the remoting of AddSseBroker.
        services.TryAddSingleton<ClusterCertificate>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SseOptions>, ClusterCertificate>(provider => provider.GetRequiredService<ClusterCertificate>()));
        services.TryAddSingleton<SseBrokerPlacement>();
        services.AddHostedService<SseBrokerPlacement.StartCheck>();
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
        // Only if the app runs OpenTelemetry metrics (this starts none): keep its broker meter to this host's, as meters are
        // matched by name across the process.
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
        // Named policies only: the app's default CORS policy, global limiter, rejection status and OnRejected stay its own.
        services.AddCors();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<SseOptions>>((limiter, sse) => SseRateLimits.AddPolicy(limiter, sse.Value.Limits));
        services.AddOptions<CorsOptions>().Configure<IOptions<SseOptions>, IHostEnvironment>((cors, sse, environment) =>
            cors.AddPolicy(SseCors.PolicyName, policy => SseCors.Configure(policy, sse.Value, environment)));
        return services;
    }

    /// <summary>
    /// Exports the broker's meter, and whatever else the app's OpenTelemetry metrics hold, in Prometheus format, for
    /// <c>app.MapSseMetrics()</c> to serve. Leave it out when the app exports its own way (then add the meter
    /// <see cref="SseMetrics.MeterName"/> to its OpenTelemetry metrics): the meter is there either way.
    /// </summary>
    public static IServiceCollection AddSseMetrics(this IServiceCollection services)
    {
        services.TryAddSingleton<SseMetricsExport>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(SseMetrics.MeterName).AddPrometheusExporter());
        return services;
    }
}

/// <summary>Marks that <see cref="SseServiceCollectionExtensions.AddSseMetrics"/> registered the Prometheus exporter.</summary>
internal sealed class SseMetricsExport;
