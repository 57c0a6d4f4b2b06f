using Akka.Discovery.Config.Hosting;
using Akka.Hosting;
using Akka.Management.Cluster.Bootstrap;
using Sse.Actors.Settings;

namespace Sse.Actors.Clustering;

/// <summary>
/// <c>Sse:Cluster:Bootstrap</c> on the actor system: Akka.Management's cluster bootstrap, and the discovery method that finds the
/// other nodes' management endpoints (<see cref="ClusterBootstrapEndpoint"/> serves this node's and starts the bootstrap).
/// </summary>
internal static class SseClusterBootstrap
{
    public static AkkaConfigurationBuilder WithSseBootstrap(this AkkaConfigurationBuilder builder, SseClusterOptions cluster, string actorSystemName)
    {
        var bootstrap = cluster.Bootstrap;
        var serviceName = bootstrap.EffectiveServiceName(actorSystemName);
        var options = new ClusterBootstrapOptions();
        options.ContactPointDiscovery.ServiceName = serviceName;
        options.ContactPointDiscovery.RequiredContactPointsNr = bootstrap.RequiredContactPoints;
        options.ContactPoint.FallbackPort = bootstrap.ManagementPort;
        switch (bootstrap.Discovery)
        {
            case SseClusterDiscovery.Config:
                // Every listed endpoint is a management endpoint, and several may share a host (local runs): keep them all.
                options.ContactPoint.FilterOnFallbackPort = false;
                builder.WithConfigDiscovery(new ConfigServiceDiscoveryOptions
                {
                    Services = [new Service { Name = serviceName, Endpoints = bootstrap.Endpoints }],
                });
                break;
            case SseClusterDiscovery.Kubernetes:
                options.ContactPointDiscovery.PortName = SseClusterBootstrapOptions.KubernetesPortName;
                builder.AddHocon(KubernetesPodDiscovery.Hocon(bootstrap), HoconAddMode.Prepend);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(cluster), bootstrap.Discovery, "No discovery method for cluster bootstrap.");
        }
        // Started by ClusterBootstrapEndpoint once the node's management endpoint listens.
        return builder.WithClusterBootstrap(options, autoStart: false);
    }
}
