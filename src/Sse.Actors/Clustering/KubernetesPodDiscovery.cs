using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Akka.Actor;
using Akka.Discovery;
using Akka.Event;
using Akka.Hosting;
using Sse.Actors.Settings;

namespace Sse.Actors.Clustering;

/// <summary>
/// The Akka.Discovery method of <see cref="SseClusterDiscovery.Kubernetes"/>: the running pods of a label selector, read from the
/// Kubernetes API with the pod's service account, each with its IP and its container port of the looked-up name. It does what
/// Akka.Discovery.KubernetesApi does; that package (1.5.73) needs KubernetesClient 17, and fails every lookup with the versions
/// the package source has. Pods that are not ready are listed too: a node is ready only once it is in the cluster.
/// </summary>
internal sealed class KubernetesPodDiscovery : ServiceDiscovery, IDisposable
{
    /// <summary>The method's name under <c>akka.discovery</c>.</summary>
    public const string Method = "sse-kubernetes";

    private const string ServiceAccount = "/var/run/secrets/kubernetes.io/serviceaccount/";

    private readonly ILoggingAdapter _log;
    private readonly Uri? _apiServer;
    private readonly string _tokenPath;
    private readonly string _namespace;
    private readonly string _labelSelector;
    private readonly HttpClient _http;

    public KubernetesPodDiscovery(ExtendedActorSystem system)
    {
        _log = Logging.GetLogger(system, typeof(KubernetesPodDiscovery));
        var config = system.Settings.Config.GetConfig($"akka.discovery.{Method}");
        _apiServer = ApiServer(config.GetString("api-server", ""));
        _tokenPath = config.GetString("api-token-path", ServiceAccount + "token");
        var podNamespace = config.GetString("pod-namespace", "");
        _namespace = !string.IsNullOrWhiteSpace(podNamespace) ? podNamespace : ReadOwnNamespace(config.GetString("pod-namespace-path", ServiceAccount + "namespace"));
        _labelSelector = config.GetString("pod-label-selector", "app={0}");
        _http = new HttpClient(Handler(config.GetString("api-ca-path", ServiceAccount + "ca.crt")));
    }

    /// <summary>The HOCON that makes this the default discovery method.</summary>
    public static string Hocon(SseClusterBootstrapOptions bootstrap) =>
        $$"""
        akka.discovery.method = {{Method}}
        akka.discovery.{{Method}} {
          class = {{typeof(KubernetesPodDiscovery).AssemblyQualifiedName!.ToHocon()}}
          pod-label-selector = {{bootstrap.PodLabelSelector.ToHocon()}}
          pod-namespace = {{(bootstrap.PodNamespace ?? "").ToHocon()}}
        }
        """;

    public override async Task<Resolved> Lookup(Lookup lookup, TimeSpan resolveTimeout)
    {
        if (_apiServer is null)
        {
            throw new InvalidOperationException(
                "No Kubernetes API to list pods from: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set (Sse:Cluster:Bootstrap:Discovery Kubernetes runs in a pod).");
        }
        var selector = string.Format(System.Globalization.CultureInfo.InvariantCulture, _labelSelector, lookup.ServiceName);
        using var request = new HttpRequestMessage(HttpMethod.Get,
            new Uri(_apiServer, $"api/v1/namespaces/{Uri.EscapeDataString(_namespace)}/pods?labelSelector={Uri.EscapeDataString(selector)}"));
        // Read each time: a projected service-account token is replaced while the pod runs.
        if (File.Exists(_tokenPath))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", (await File.ReadAllTextAsync(_tokenPath)).Trim());
        }
        using var timeout = new CancellationTokenSource(resolveTimeout);
        using var response = await _http.SendAsync(request, timeout.Token);
        var body = await response.Content.ReadAsStringAsync(timeout.Token);
        if (response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized)
        {
            throw new InvalidOperationException(
                $"The Kubernetes API refused to list the pods in namespace {_namespace} ({(int)response.StatusCode}): the pod's service account needs " +
                "a Role that allows get, list and watch on pods, bound to it (deploy/kubernetes/rbac.yaml).");
        }
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"The Kubernetes API answered {(int)response.StatusCode} to listing pods with {selector} in namespace {_namespace}.");
        }
        var targets = Targets(body, lookup.PortName).ToList();
        if (targets.Count == 0)
        {
            _log.Info("No running pod with the label selector {0} in namespace {1} has a container port named {2}", selector, _namespace, lookup.PortName);
        }
        return new Resolved(lookup.ServiceName, targets);
    }

    /// <summary>The running pods of a <c>PodList</c> that have an IP (and the named container port, when one is asked for).</summary>
    internal static IEnumerable<ResolvedTarget> Targets(string podList, string? portName)
    {
        using var document = JsonDocument.Parse(podList);
        if (!document.RootElement.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array)
        {
            yield break;
        }
        foreach (var pod in items.EnumerateArray())
        {
            var terminating = pod.TryGetProperty("metadata", out var metadata) && metadata.TryGetProperty("deletionTimestamp", out var deleted) &&
                deleted.ValueKind != JsonValueKind.Null;
            if (terminating || !pod.TryGetProperty("status", out var status) || String(status, "phase") != "Running" ||
                !IPAddress.TryParse(String(status, "podIP"), out var ip))
            {
                continue;
            }
            int? port = null;
            if (!string.IsNullOrEmpty(portName))
            {
                port = ContainerPort(pod, portName);
                if (port is null)
                {
                    continue;
                }
            }
            yield return new ResolvedTarget(ip.ToString(), port, ip);
        }
    }

    public void Dispose() => _http.Dispose();

    private static int? ContainerPort(JsonElement pod, string portName)
    {
        if (!pod.TryGetProperty("spec", out var spec) || !spec.TryGetProperty("containers", out var containers))
        {
            return null;
        }
        foreach (var container in containers.EnumerateArray())
        {
            if (!container.TryGetProperty("ports", out var ports))
            {
                continue;
            }
            foreach (var port in ports.EnumerateArray())
            {
                if (String(port, "name") == portName && port.TryGetProperty("containerPort", out var number) && number.TryGetInt32(out var value))
                {
                    return value;
                }
            }
        }
        return null;
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Configured, or the in-cluster address Kubernetes gives every pod in its environment.</summary>
    private static Uri? ApiServer(string configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return new Uri(configured.TrimEnd('/') + "/");
        }
        var host = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST");
        var port = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_PORT");
        if (string.IsNullOrWhiteSpace(host) || string.IsNullOrWhiteSpace(port))
        {
            return null;
        }
        // An IPv6 service address needs brackets in a URI.
        return new Uri($"https://{(host.Contains(':') ? $"[{host}]" : host)}:{port}/");
    }

    private string ReadOwnNamespace(string path)
    {
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }
        _log.Warning("No namespace file at {0}: listing pods in namespace default (set Sse:Cluster:Bootstrap:PodNamespace)", path);
        return "default";
    }

    /// <summary>The API server's certificate must chain to the cluster's CA (the service account's ca.crt), when there is one.</summary>
    private static SocketsHttpHandler Handler(string caPath)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        if (!File.Exists(caPath))
        {
            return handler;
        }
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(caPath);
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            {
                return false;
            }
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(new X509Certificate2(certificate));
        };
        return handler;
    }
}
