using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Akka.Discovery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Sse.Actors.Clustering;
using Sse.Actors.Hosting;
using Sse.Actors.Settings;

namespace Sse.Tests.Clustering;

/// <summary>
/// Kubernetes API discovery against a stand-in API server on 127.0.0.1 over HTTPS (its own CA, as a pod's service account has):
/// the pod list a real API server answers, not a real one. No Kubernetes cluster runs here.
/// </summary>
[Trait("Category", TestCategories.Http)]
public sealed class KubernetesPodDiscoveryTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sse-k8s-").FullName;

    [Fact]
    public async Task Lists_the_running_pods_of_the_label_selector_with_their_management_port()
    {
        string? asked = null;
        string? token = null;
        await using var api = await FakeApiServerAsync(context =>
        {
            asked = context.Request.Path + context.Request.QueryString;
            token = context.Request.Headers.Authorization;
            return context.Response.WriteAsync(PodList);
        });
        using var system = ActorSystem.Create("k8s", Hocon(api.Port));

        var resolved = await Discovery.Get(system).Default.Lookup(new Lookup("sse", SseClusterBootstrapOptions.KubernetesPortName, "tcp"), TimeSpan.FromSeconds(10));

        Assert.Equal("/api/v1/namespaces/brokers/pods?labelSelector=app%3Dsse", asked);
        Assert.Equal("Bearer service-account-token", token);
        Assert.Equal(
            [("10.1.0.5", (int?)8558, IPAddress.Parse("10.1.0.5")), ("10.1.0.6", 8558, IPAddress.Parse("10.1.0.6"))],
            resolved.Addresses.Select(target => (target.Host, target.Port, target.Address)));
    }

    [Fact]
    public async Task A_refusal_to_list_pods_names_the_missing_role()
    {
        await using var api = await FakeApiServerAsync(context =>
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return context.Response.WriteAsync("""{"kind":"Status","reason":"Forbidden"}""");
        });
        using var system = ActorSystem.Create("k8s", Hocon(api.Port));

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Discovery.Get(system).Default.Lookup(new Lookup("sse", SseClusterBootstrapOptions.KubernetesPortName, "tcp"), TimeSpan.FromSeconds(10)));

        Assert.Contains("needs a Role that allows get, list and watch on pods", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_API_server_whose_certificate_the_cluster_CA_did_not_sign_is_refused()
    {
        await using var api = await FakeApiServerAsync(context => context.Response.WriteAsync(PodList));
        using (var stranger = SelfSigned())
        {
            await File.WriteAllTextAsync(Path.Combine(_folder, "ca.crt"), stranger.ExportCertificatePem());
        }
        using var system = ActorSystem.Create("k8s", Hocon(api.Port));

        await Assert.ThrowsAsync<HttpRequestException>(() =>
            Discovery.Get(system).Default.Lookup(new Lookup("sse", SseClusterBootstrapOptions.KubernetesPortName, "tcp"), TimeSpan.FromSeconds(10)));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A pod list as the API answers it: two running pods, one pending, one terminating, one without the port.</summary>
    private const string PodList =
        """
        {"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"42"},"items":[
          {"metadata":{"name":"sse-a"},"spec":{"containers":[{"name":"sse","ports":[{"name":"http","containerPort":8080},{"name":"management","containerPort":8558}]}]},
           "status":{"phase":"Running","podIP":"10.1.0.5"}},
          {"metadata":{"name":"sse-b"},"spec":{"containers":[{"name":"sse","ports":[{"name":"management","containerPort":8558}]}]},
           "status":{"phase":"Running","podIP":"10.1.0.6","conditions":[{"type":"Ready","status":"False"}]}},
          {"metadata":{"name":"sse-c"},"spec":{"containers":[{"name":"sse","ports":[{"name":"management","containerPort":8558}]}]},
           "status":{"phase":"Pending"}},
          {"metadata":{"name":"sse-d","deletionTimestamp":"2026-12-01T10:00:00Z"},"spec":{"containers":[{"name":"sse","ports":[{"name":"management","containerPort":8558}]}]},
           "status":{"phase":"Running","podIP":"10.1.0.8"}},
          {"metadata":{"name":"other"},"spec":{"containers":[{"name":"sidecar"}]},"status":{"phase":"Running","podIP":"10.1.0.9"}}
        ]}
        """;

    private string Hocon(int apiPort) =>
        $$"""
        {{KubernetesPodDiscovery.Hocon(new SseClusterBootstrapOptions { Discovery = SseClusterDiscovery.Kubernetes, PodNamespace = "brokers" })}}
        akka.discovery.{{KubernetesPodDiscovery.Method}} {
          api-server = "https://127.0.0.1:{{apiPort}}"
          api-token-path = "{{Path.Combine(_folder, "token")}}"
          api-ca-path = "{{Path.Combine(_folder, "ca.crt")}}"
        }
        """;

    /// <summary>An HTTPS server on 127.0.0.1 whose certificate <c>ca.crt</c> in the test's folder trusts, and a token file beside it.</summary>
    private async Task<FakeApiServer> FakeApiServerAsync(RequestDelegate answer)
    {
        var certificate = SelfSigned();
        await File.WriteAllTextAsync(Path.Combine(_folder, "ca.crt"), certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(Path.Combine(_folder, "token"), "service-account-token\n");
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        var app = builder.Build();
        app.Run(answer);
        await app.StartAsync();
        return new FakeApiServer(app, certificate, new Uri(app.Urls.Single()).Port);
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=kubernetes", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        // Kestrel needs the key in a form it can use on Linux: a PKCS#12 round trip.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }

    private sealed record FakeApiServer(WebApplication App, X509Certificate2 Certificate, int Port) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await App.DisposeAsync();
            Certificate.Dispose();
        }
    }
}
