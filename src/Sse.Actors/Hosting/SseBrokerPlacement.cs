using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Sse.Actors.Settings;

namespace Sse.Actors.Hosting;

/// <summary>Which actor system the broker was added to: exactly one, through <c>WithSseBroker</c>.</summary>
internal sealed class SseBrokerPlacement
{
    private AkkaConfigurationBuilder? _system;

    public bool IsPlaced => _system is not null;

    /// <summary>The broker's actor system is AddSseBroker's own, configured from <c>Sse:Cluster</c> (bootstrap included).</summary>
    public bool OnOwnNode { get; set; }

    public void AddedTo(AkkaConfigurationBuilder system)
    {
        if (_system is not null)
        {
            throw new InvalidOperationException(
                "WithSseBroker is called twice: the broker runs once per node. AddSseBroker already adds it to the actor system it starts; " +
                "an app with its own AddAkka calls AddSseBrokerServices and WithSseBroker instead.");
        }
        _system = system;
    }

    /// <summary>
    /// Stops start-up with the reason when the broker's services were registered but no actor system runs the broker:
    /// otherwise the first stream or send would fail far from the cause.
    /// </summary>
    internal sealed class StartCheck(IServiceProvider services, SseBrokerPlacement placement) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (!placement.OnOwnNode && services.GetRequiredService<IOptions<SseOptions>>().Value.Cluster.Bootstrap.Enabled)
            {
                throw new InvalidOperationException(
                    "Sse:Cluster:Bootstrap forms the cluster of the actor system AddSseBroker starts; an app with its own AddAkka forms its own " +
                    "cluster: leave Sse:Cluster:Bootstrap unset and add Akka.Management's WithClusterBootstrap to that AddAkka (docs/cluster.md).");
            }
            // Resolving the builder runs the app's AddAkka configuration, once: that is where WithSseBroker places the broker.
            if (services.GetService<AkkaConfigurationBuilder>() is null)
            {
                throw new InvalidOperationException(
                    "The broker has no actor system: AddSseBrokerServices registers its services only. Add it to your actor system with " +
                    "services.AddAkka(name, (akka, services) => akka.WithRemoting(...).WithClustering(...).WithSseBroker(services)), or call AddSseBroker instead.");
            }
            if (!placement.IsPlaced)
            {
                throw new InvalidOperationException(
                    "The broker is not in the actor system: the app's AddAkka configuration does not call .WithSseBroker(services) (after .WithClustering(...)).");
            }
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
