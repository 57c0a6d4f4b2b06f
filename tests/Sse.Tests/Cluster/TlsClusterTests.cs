using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Sse.Tests.Diagnostics;
using Sse.Tests.Http;

namespace Sse.Tests.Cluster;

/// <summary>
/// <c>Sse:Cluster:Tls</c>: Akka.Remote over mutual TLS with a self-signed certificate on loopback. Two nodes that share the
/// cluster's certificate form a cluster and deliver across it; a node with a certificate of its own (same subject, another
/// key) does not join, however long it tries.
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", TestCategories.Cluster)]
public sealed class TlsClusterTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("sse-tls-");

    [Fact]
    public async Task Nodes_with_the_clusters_certificate_form_a_cluster_and_deliver_and_a_node_without_it_does_not_join()
    {
        var clusterCertificate = WriteSelfSigned("cluster");
        var port = ClusterNodes.FreePort();
        var seed = $"akka.ssl.tcp://sse@127.0.0.1:{port}";
        var settings = new Dictionary<string, string>
        {
            ["Sse:Cluster:SeedNodes:0"] = seed,
            ["Sse:Cluster:Tls:CertificatePath"] = clusterCertificate,
            ["Sse:Cluster:Tls:CertificatePassword"] = "test",
        };
        await using var first = await BrokerHost.StartAsync(new Dictionary<string, string>(settings) { ["Sse:Cluster:Port"] = port.ToString() },
            hocon: ClusterNodes.ClusterHocon);
        await using var second = await BrokerHost.StartAsync(settings, hocon: ClusterNodes.ClusterHocon);
        await ClusterNodes.AwaitMembersUpAsync(first, second);
        Assert.StartsWith("akka.ssl.tcp://sse@127.0.0.1:", first.Node());

        var userId = Guid.NewGuid().ToString();
        await using var stream = await second.ConnectAsync(userId);
        await first.Broker.SendToUserAsync(userId, "note", "over TLS");
        Assert.Equal("over TLS", (await stream.NextEventAsync()).Data);

        await using var stranger = await BrokerHost.StartAsync(new Dictionary<string, string>(settings)
        {
            ["Sse:Cluster:Tls:CertificatePath"] = WriteSelfSigned("cluster"),
        }, hocon: ClusterNodes.ClusterHocon);
        // It tries to join the seed meanwhile. Asked directly, the seed's broker is out of its reach (every handshake is
        // refused on the certificate), while a member reaches it at once.
        var broker = $"{seed}/user/{Sse.Actors.Broker.BrokerActor.Name}";
        await second.ActorSystem.ActorSelection(broker).ResolveOne(TimeSpan.FromSeconds(5));
        await Assert.ThrowsAsync<Akka.Actor.ActorNotFoundException>(() => stranger.ActorSystem.ActorSelection(broker).ResolveOne(TimeSpan.FromSeconds(5)));
        Assert.Equal(2, ClusterNodes.UpMembers(first));
        Assert.Equal(2, ClusterNodes.UpMembers(second));
        Assert.NotEqual(Akka.Cluster.MemberStatus.Up, Akka.Cluster.Cluster.Get(stranger.ActorSystem).SelfMember.Status);
    }

    public void Dispose() => _folder.Delete(recursive: true);

    /// <summary>A self-signed certificate with its key, as a password-protected PKCS#12 file.</summary>
    private string WriteSelfSigned(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN=sse-{name}", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var path = Path.Combine(_folder.FullName, $"{name}-{Guid.NewGuid():N}.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, "test"));
        return path;
    }
}
