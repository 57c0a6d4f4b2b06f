namespace Sse.Actors.Settings.Validation;

/// <summary>
/// The rules of <c>Sse:Cluster:Tls</c>: one certificate, and seed nodes that speak the same protocol. Whether the certificate
/// can be loaded is checked where it is loaded, as the broker starts (<c>Clustering/ClusterTls.cs</c>, <c>ClusterCertificate</c>).
/// </summary>
internal static class ClusterTlsRules
{
    private const string C = SseOptions.SectionName + ":Cluster";

    public static void Check(SseOptions options, Failures failures)
    {
        var cluster = options.Cluster;
        var tls = cluster.Tls;
        failures.Require(string.IsNullOrWhiteSpace(tls.CertificatePath) || string.IsNullOrWhiteSpace(tls.Thumbprint),
            $"{C}:Tls:CertificatePath and {C}:Tls:Thumbprint name two certificates; set one.");
        foreach (var seed in cluster.SeedNodes.Where(seed => Addresses.IsSeedAddress(seed, options.ActorSystemName)))
        {
            var protocol = Akka.Actor.Address.Parse(seed).Protocol;
            failures.Require(protocol == (tls.Enabled ? "akka.ssl.tcp" : "akka.tcp"), tls.Enabled
                ? $"{C}:SeedNodes has '{seed}': with {C}:Tls the nodes speak akka.ssl.tcp://, so name them so."
                : $"{C}:SeedNodes has '{seed}', an akka.ssl.tcp:// address: set {C}:Tls on every node, or name the seeds akka.tcp://.");
        }
    }
}
