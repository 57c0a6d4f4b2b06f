using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Akka.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Sse.Actors.Hosting;
using Sse.Actors.Http;
using Sse.Actors.Settings;
using Sse.Tests.Docs;
using YamlDotNet.RepresentationModel;

namespace Sse.Tests.Packaging;

/// <summary>
/// deploy/kubernetes as far as it can be checked without a Kubernetes cluster: the YAML parses, docs/deployment.md shows it as it
/// is, and what it names (settings, ports, probe paths, labels, the service account, the grace period) is what the code reads,
/// serves and needs, so the manifests cannot drift from the broker silently.
/// </summary>
[Trait("Category", TestCategories.Unit)]
public sealed partial class KubernetesManifestTests
{
    private const string Folder = "deploy/kubernetes";

    [Fact]
    public void Every_manifest_parses_into_named_Kubernetes_objects()
    {
        var objects = Objects().ToList();

        Assert.All(objects, o => Assert.False(string.IsNullOrEmpty(Scalar(o, "apiVersion")) || string.IsNullOrEmpty(Scalar(o, "metadata", "name"))));
        Assert.Equal(
            ["Deployment", "PodDisruptionBudget", "Role", "RoleBinding", "Service", "Service", "ServiceAccount"],
            objects.Select(o => Scalar(o, "kind")).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_deployment_page_shows_every_manifest_as_it_is()
    {
        var blocks = YamlBlock().Matches(RepositoryFiles.Read("docs/deployment.md")).Select(block => block.Groups[1].Value).ToList();

        foreach (var file in ManifestFiles())
        {
            Assert.Contains(RepositoryFiles.Read(file).ReplaceLineEndings("\n"), blocks);
        }
    }

    [Fact]
    public void The_settings_the_pods_get_are_options_the_broker_reads_and_accepts()
    {
        var environment = Container().Get("env").Children().ToList();
        var settings = Settings();

        Assert.All(settings.Keys, key => Assert.True(IsOption(typeof(SseOptions), key.Split(':').Skip(1)), $"{key} is not an option of the broker"));
        var options = Bind(settings);
        Assert.Equal(SseClusterDiscovery.Kubernetes, options.Cluster.Bootstrap.Discovery);
        // The image's own settings (deploy/Dockerfile), which the manifest does not repeat.
        options.Cluster.Hostname = "0.0.0.0";
        options.Cluster.Port = 4053;
        var result = new SseOptionsValidator(new ProductionEnvironment()).Validate(Options.DefaultName, options);
        Assert.False(result.Failed, result.FailureMessage);
        Assert.Equal("$(POD_IP)", Scalar(environment.Single(e => Scalar(e, "name") == "Sse__Cluster__PublicHostname"), "value"));
        Assert.Equal("status.podIP", Scalar(environment.Single(e => Scalar(e, "name") == "POD_IP"), "valueFrom", "fieldRef", "fieldPath"));
        Assert.Equal(Scalar(Deployment(), "spec", "replicas"), options.Cluster.Bootstrap.RequiredContactPoints.ToString(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Ports_and_probes_are_those_the_host_listens_on_and_serves()
    {
        var ports = Container().Get("ports").Children().ToDictionary(p => Scalar(p, "name")!, p => int.Parse(Scalar(p, "containerPort")!, CultureInfo.InvariantCulture));
        var dockerfile = RepositoryFiles.Read("deploy/Dockerfile");
        var health = typeof(SseEndpointRouteBuilderExtensions).GetMethod(nameof(SseEndpointRouteBuilderExtensions.MapSseHealthChecks))!.GetParameters();

        Assert.Equal(Bind(Settings()).Cluster.Bootstrap.ManagementPort, ports[SseClusterBootstrapOptions.KubernetesPortName]);
        Assert.Contains($"URLS=http://+:{ports["http"]} ", dockerfile, StringComparison.Ordinal);
        Assert.Contains($"Sse__Cluster__Port={ports["remoting"]}", dockerfile, StringComparison.Ordinal);
        Assert.Equal((health.Single(p => p.Name == "readiness").DefaultValue, "http"),
            (Scalar(Container(), "readinessProbe", "httpGet", "path"), Scalar(Container(), "readinessProbe", "httpGet", "port")));
        Assert.Equal((health.Single(p => p.Name == "liveness").DefaultValue, "http"),
            (Scalar(Container(), "livenessProbe", "httpGet", "path"), Scalar(Container(), "livenessProbe", "httpGet", "port")));
        foreach (var service in Objects().Where(o => Scalar(o, "kind") == "Service"))
        {
            Assert.All(service.Get("spec").Get("ports").Children(), port => Assert.Contains(Scalar(port, "targetPort")!, ports.Keys));
        }
    }

    [Fact]
    public void Discovery_finds_these_pods_with_the_rights_the_service_account_is_given()
    {
        var options = Bind(Settings()).Cluster.Bootstrap;
        var selector = string.Format(CultureInfo.InvariantCulture, options.PodLabelSelector, options.ServiceName).Split('=');
        var podLabels = Deployment().Get("spec").Get("template").Get("metadata").Get("labels");
        var account = Scalar(Deployment(), "spec", "template", "spec", "serviceAccountName");
        var role = Objects().Single(o => Scalar(o, "kind") == "Role");
        var binding = Objects().Single(o => Scalar(o, "kind") == "RoleBinding");

        Assert.Equal(selector[1], Scalar(podLabels, selector[0]));
        Assert.Equal(selector[1], Scalar(Deployment(), "spec", "selector", "matchLabels", selector[0]));
        Assert.All(Objects().Where(o => Scalar(o, "kind") == "Service"), o => Assert.Equal(selector[1], Scalar(o, "spec", "selector", selector[0])));
        Assert.Equal(selector[1], Scalar(Objects().Single(o => Scalar(o, "kind") == "PodDisruptionBudget"), "spec", "selector", "matchLabels", selector[0]));
        Assert.Contains(Objects(), o => Scalar(o, "kind") == "ServiceAccount" && Scalar(o, "metadata", "name") == account);
        var rule = Assert.Single(role.Get("rules").Children());
        Assert.Equal(["pods"], rule.Get("resources").Children().Select(r => ((YamlScalarNode)r).Value));
        Assert.Contains("list", rule.Get("verbs").Children().Select(v => ((YamlScalarNode)v).Value));
        Assert.Equal((Scalar(role, "metadata", "name"), "Role"), (Scalar(binding, "roleRef", "name"), Scalar(binding, "roleRef", "kind")));
        Assert.Equal(account, Scalar(Assert.Single(binding.Get("subjects").Children()), "name"));
    }

    [Fact]
    public void The_termination_grace_covers_the_preStop_pause_the_streams_grace_and_the_shard_hand_off()
    {
        var preStop = Container().Get("lifecycle").Get("preStop").Get("exec").Get("command").Children().Select(c => ((YamlScalarNode)c).Value).ToList();
        var grace = int.Parse(Scalar(Deployment(), "spec", "template", "spec", "terminationGracePeriodSeconds")!, CultureInfo.InvariantCulture);
        var handOff = SseAkkaConfiguration.Defaults.GetTimeSpan("akka.cluster.sharding.handoff-timeout");

        Assert.Equal("sleep", preStop[0]);
        var needed = TimeSpan.FromSeconds(int.Parse(preStop[1]!, CultureInfo.InvariantCulture)) + Bind(Settings()).ShutdownGrace + handOff;
        Assert.True(TimeSpan.FromSeconds(grace) > needed, $"terminationGracePeriodSeconds {grace} s does not cover {needed}");
    }

    private static IEnumerable<string> ManifestFiles() =>
        Directory.GetFiles(RepositoryFiles.PathOf(Folder), "*.yaml").Order(StringComparer.Ordinal)
            .Select(path => Path.GetRelativePath(RepositoryFiles.Root, path).Replace(Path.DirectorySeparatorChar, '/'));

    private static IEnumerable<YamlMappingNode> Objects()
    {
        foreach (var file in ManifestFiles())
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(RepositoryFiles.Read(file)));
            foreach (var document in stream.Documents)
            {
                yield return (YamlMappingNode)document.RootNode;
            }
        }
    }

    private static YamlMappingNode Deployment() => Objects().Single(o => Scalar(o, "kind") == "Deployment");

    private static YamlNode Container() => Assert.Single(Deployment().Get("spec").Get("template").Get("spec").Get("containers").Children());

    private static Dictionary<string, string?> Settings() =>
        Container().Get("env").Children().Where(e => Scalar(e, "name")!.StartsWith("Sse__", StringComparison.Ordinal))
            .ToDictionary(e => Scalar(e, "name")!.Replace("__", ":", StringComparison.Ordinal), e => Scalar(e, "value") == "$(POD_IP)" ? "10.1.0.5" : Scalar(e, "value"));

    private static SseOptions Bind(Dictionary<string, string?> settings)
    {
        var options = new SseOptions();
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(SseOptions.SectionName).Bind(options);
        return options;
    }

    /// <summary>A configuration path names a settable property of the options, section by section.</summary>
    private static bool IsOption(Type type, IEnumerable<string> path)
    {
        var name = path.First();
        var property = type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        if (property is null)
        {
            return false;
        }
        var rest = path.Skip(1).ToList();
        return rest.Count == 0
            ? property.CanWrite
            : property.PropertyType.IsArray ? rest.Count == 1 && int.TryParse(rest[0], out _) : IsOption(property.PropertyType, rest);
    }

    private static string? Scalar(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(key), out var child))
            {
                return null;
            }
            node = child;
        }
        return (node as YamlScalarNode)?.Value;
    }

    [GeneratedRegex(@"```yaml\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex YamlBlock();

    private sealed class ProductionEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = Environments.Production;
        public string ApplicationName { get; set; } = "Sse.Host";
        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = null!;
    }
}

/// <summary>Steps into YAML mappings by key, failing the test with the missing key's name.</summary>
internal static class YamlNodes
{
    public static YamlNode Get(this YamlNode node, string key) =>
        node is YamlMappingNode mapping && mapping.Children.TryGetValue(new YamlScalarNode(key), out var child)
            ? child
            : throw new Xunit.Sdk.XunitException($"the manifest has no '{key}' here");

    public static IEnumerable<YamlNode> Children(this YamlNode node) => ((YamlSequenceNode)node).Children;
}
