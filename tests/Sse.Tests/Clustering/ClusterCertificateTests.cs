using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sse.Actors.Clustering;
using Sse.Actors.Hosting;
using Sse.Actors.Settings;

namespace Sse.Tests.Clustering;

/// <summary>The cluster's certificate is loaded once, as the options are validated at start; one that cannot be loaded stops start-up naming its option.</summary>
[Trait("Category", TestCategories.Http)]
public sealed class ClusterCertificateTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("sse-tls-");

    [Fact]
    public async Task A_node_with_cluster_tls_presents_the_certificate_loaded_at_start()
    {
        var (path, thumbprint) = WriteSelfSigned();

        await using var node = await Http.BrokerHost.StartAsync(new Dictionary<string, string>
        {
            ["Sse:Cluster:Tls:CertificatePath"] = path,
            ["Sse:Cluster:Tls:CertificatePassword"] = "test",
        });

        Assert.StartsWith("akka.ssl.tcp://", Akka.Cluster.Cluster.Get(node.ActorSystem).SelfAddress.ToString());
        Assert.Equal(thumbprint, node.Services.GetRequiredService<ClusterCertificate>().Certificate.Thumbprint);
    }

    [Fact]
    public void Cluster_tls_with_a_certificate_that_cannot_be_loaded_is_rejected_naming_the_option()
    {
        var result = new ClusterCertificate().Validate(Options.DefaultName, new SseOptions { Cluster = { Tls = { CertificatePath = "/nonexistent/cluster.pfx" } } });

        Assert.True(result.Failed);
        Assert.StartsWith("Sse:Cluster:Tls:CertificatePath names a certificate that cannot be loaded: ", Assert.Single(result.Failures!));
    }

    [Fact]
    public async Task A_certificate_that_cannot_be_loaded_stops_the_start_naming_the_option()
    {
        var start = Http.BrokerHost.StartAsync(new Dictionary<string, string> { ["Sse:Cluster:Tls:CertificatePath"] = "/nonexistent/cluster.pfx" });

        var error = await Assert.ThrowsAnyAsync<Exception>(() => start);
        Assert.Contains("Sse:Cluster:Tls:CertificatePath names a certificate that cannot be loaded", error.ToString());
    }

    [Fact]
    public void Without_cluster_tls_nothing_is_loaded() =>
        Assert.True(new ClusterCertificate().Validate(Options.DefaultName, new SseOptions()).Succeeded);

    public void Dispose() => _folder.Delete(recursive: true);

    /// <summary>A self-signed certificate with its key, as a password-protected PKCS#12 file, and its thumbprint.</summary>
    private (string Path, string Thumbprint) WriteSelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest("CN=sse-node", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var path = Path.Combine(_folder.FullName, "node.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, "test"));
        return (path, certificate.Thumbprint);
    }
}
