using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Sse.Actors.Settings;

namespace Sse.Actors.Clustering;

/// <summary>The remoting and clustering of <c>AddSseBroker</c>'s own actor system, from <c>Sse:Cluster</c>.</summary>
internal static class SseClustering
{
    /// <summary>
    /// Remoting (over mutual TLS with <c>Sse:Cluster:Tls</c>) and clustering: the node joins the seed nodes, or whom cluster
    /// bootstrap finds; with neither it forms a one-node cluster with itself.
    /// </summary>
    public static AkkaConfigurationBuilder WithSseCluster(this AkkaConfigurationBuilder builder, SseOptions options, ClusterCertificate certificate)
    {
        var cluster = options.Cluster;
        builder
            .WithRemoting(RemoteOptions(cluster, certificate))
            .WithClustering(new ClusterOptions { SeedNodes = cluster.SeedNodes });
        if (cluster.Bootstrap.Enabled)
        {
            // Bootstrap decides whom to join (validation keeps seed nodes out): no self-join here.
            builder.WithSseBootstrap(cluster, options.ActorSystemName);
        }
        else
        {
            builder.WithActors((system, _) =>
            {
                var self = Cluster.Get(system);
                if (self.Settings.SeedNodes.Count == 0)
                {
                    self.Join(self.SelfAddress);
                }
            });
        }
        return builder.AddHocon(
            $$"""
            akka.cluster.failure-detector.acceptable-heartbeat-pause = {{(long)cluster.FailureDetectionPause.TotalMilliseconds}}ms
            akka.cluster.split-brain-resolver.stable-after = {{(long)cluster.DownUnreachableAfter.TotalMilliseconds}}ms
            """,
            HoconAddMode.Prepend);
    }

    private static RemoteOptions RemoteOptions(SseClusterOptions cluster, ClusterCertificate own)
    {
        var remote = new RemoteOptions
        {
            HostName = cluster.Hostname,
            Port = cluster.Port,
            PublicHostName = cluster.PublicHostname,
            PublicPort = cluster.PublicPort,
        };
        if (cluster.Tls.Enabled)
        {
            var certificate = own.Certificate;
            remote.EnableSsl = true;
            remote.Ssl = new SslOptions
            {
                X509Certificate = certificate,
                // Both ends present a certificate and check the other's: a stranger can neither connect nor be connected to.
                RequireMutualAuthentication = true,
                CustomValidator = ClusterTls.PeerValidator(certificate, cluster.Tls),
            };
        }
        return remote;
    }
}
