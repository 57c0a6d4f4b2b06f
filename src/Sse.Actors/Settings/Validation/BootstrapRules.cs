namespace Sse.Actors.Settings.Validation;

/// <summary>The rules of <c>Sse:Cluster:Bootstrap</c>: one way to form the cluster, and what the discovery method needs.</summary>
internal static class BootstrapRules
{
    private const string C = SseOptions.SectionName + ":Cluster";
    private const string B = C + ":Bootstrap";

    public static void Check(SseOptions options, Failures failures)
    {
        var cluster = options.Cluster;
        var bootstrap = cluster.Bootstrap;
        failures.Require(Enum.IsDefined(bootstrap.Discovery), $"{B}:Discovery must be None, Config or Kubernetes (is {bootstrap.Discovery}).");
        if (!bootstrap.Enabled)
        {
            failures.Require(bootstrap.Endpoints.Length == 0,
                $"{B}:Endpoints is set while {B}:Discovery is None: set {B}:Discovery to Config to form the cluster from them, or remove them.");
            return;
        }
        failures.Require(cluster.SeedNodes.Length == 0,
            $"{C}:SeedNodes and {B}:Discovery ({bootstrap.Discovery}) both say how this node joins a cluster: " +
            "set one (bootstrap finds the nodes itself, without seed nodes).");
        failures.Require(Addresses.IsActorSystemName(bootstrap.EffectiveServiceName(options.ActorSystemName)),
            $"{B}:ServiceName must be ASCII letters, digits and '-', starting with a letter or digit (is '{bootstrap.ServiceName}').");
        failures.Require(bootstrap.RequiredContactPoints >= 1, $"{B}:RequiredContactPoints must be at least 1 (is {bootstrap.RequiredContactPoints}).");
        failures.Require(bootstrap.ManagementPort is >= 1 and <= 65535, $"{B}:ManagementPort must be between 1 and 65535 (is {bootstrap.ManagementPort}).");
        failures.Require(bootstrap.ManagementPort != cluster.Port,
            $"{B}:ManagementPort and {C}:Port are both {cluster.Port}: the management endpoint and remoting need a port each.");
        var managementHost = cluster.EffectiveManagementHostname;
        var managementOption = !string.IsNullOrEmpty(bootstrap.ManagementHostname) ? "Bootstrap:ManagementHostname"
            : cluster.PublicHostname is not null ? "PublicHostname" : "Hostname";
        failures.Require(!Addresses.IsWildcard(managementHost),
            $"{C}:{managementOption} is {managementHost}, which no other node can reach as this node's management endpoint: " +
            $"set {C}:PublicHostname (or {B}:ManagementHostname) to the address the other nodes reach this one at.");
        if (bootstrap.Discovery == SseClusterDiscovery.Config)
        {
            CheckConfigDiscovery(bootstrap, failures);
        }
        else
        {
            CheckKubernetesDiscovery(cluster, failures);
        }
    }

    private static void CheckConfigDiscovery(SseClusterBootstrapOptions bootstrap, Failures failures)
    {
        failures.Require(bootstrap.Endpoints.Length > 0,
            $"{B}:Endpoints must list every node's management endpoint (host:port, this node's included) when {B}:Discovery is Config.");
        foreach (var endpoint in bootstrap.Endpoints)
        {
            failures.Require(Addresses.EndpointHost(endpoint) is not null, $"{B}:Endpoints has '{endpoint}', which is not host:port (a management endpoint, e.g. sse-1:8558).");
        }
        failures.Require(bootstrap.Endpoints.Length == 0 || bootstrap.RequiredContactPoints <= bootstrap.Endpoints.Length,
            $"{B}:RequiredContactPoints is {bootstrap.RequiredContactPoints} but {B}:Endpoints lists {bootstrap.Endpoints.Length}: the cluster would never form.");
    }

    private static void CheckKubernetesDiscovery(SseClusterOptions cluster, Failures failures)
    {
        var bootstrap = cluster.Bootstrap;
        failures.Require(bootstrap.Endpoints.Length == 0,
            $"{B}:Endpoints is for Config discovery; with {bootstrap.Discovery} the nodes are found through the Kubernetes API: remove it.");
        failures.Require(!string.IsNullOrWhiteSpace(bootstrap.PodLabelSelector), $"{B}:PodLabelSelector must not be empty when {B}:Discovery is Kubernetes.");
        var announced = cluster.PublicHostname ?? cluster.Hostname;
        failures.Require(!Addresses.IsLoopback(announced) && !Addresses.IsWildcard(announced),
            $"{C}:{(cluster.PublicHostname is null ? "Hostname" : "PublicHostname")} is {announced}, which the other pods cannot reach: " +
            $"set {C}:PublicHostname to the pod's IP (status.podIP) with {B}:Discovery Kubernetes.");
    }
}
