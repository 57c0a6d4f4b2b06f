namespace Sse.Actors.Settings;

/// <summary>How a node finds the others for cluster bootstrap; <see cref="None"/> forms the cluster from seed nodes (or alone).</summary>
public enum SseClusterDiscovery
{
    /// <summary>No bootstrap: <c>Sse:Cluster:SeedNodes</c>, or a one-node cluster with itself when there are none.</summary>
    None,

    /// <summary>A fixed list of every node's management endpoint (<c>Sse:Cluster:Bootstrap:Endpoints</c>): local runs, docker-compose.</summary>
    Config,

    /// <summary>The running pods the Kubernetes API lists for a label selector, each probed on its container port named <c>management</c>.</summary>
    Kubernetes,
}

/// <summary>
/// Cluster bootstrap (<c>Sse:Cluster:Bootstrap</c> section), Akka.Management's way of forming a cluster without seed-node
/// addresses: every node serves a small management HTTP endpoint, discovers the others' (from a list or the Kubernetes API),
/// probes them, and once <see cref="RequiredContactPoints"/> answer and none is in a cluster yet, the one with the lowest
/// address forms it and the rest join; later nodes join the cluster their contact points report.
/// </summary>
public sealed class SseClusterBootstrapOptions
{
    /// <summary>The name the management container port carries in Kubernetes pods.</summary>
    public const string KubernetesPortName = "management";

    /// <summary>Off (<see cref="SseClusterDiscovery.None"/>) until a discovery method is chosen.</summary>
    public SseClusterDiscovery Discovery { get; set; }

    /// <summary>The service every node of this cluster looks up; empty: <c>Sse:ActorSystemName</c>.</summary>
    public string? ServiceName { get; set; }

    /// <summary>
    /// How many contact points (this node included) must be discovered and answer before a new cluster is formed. Set it to the
    /// number of nodes that start together (a Deployment's replicas): fewer lets the first nodes form a cluster of their own.
    /// </summary>
    public int RequiredContactPoints { get; set; } = 2;

    /// <summary>The port of this node's management HTTP endpoint (Akka.Management's default, 8558).</summary>
    public int ManagementPort { get; set; } = 8558;

    /// <summary>
    /// The host name the other nodes reach this node's management endpoint at; empty: <c>Sse:Cluster:PublicHostname</c>, else
    /// <c>Sse:Cluster:Hostname</c>. The endpoint listens on <c>Sse:Cluster:Hostname</c>.
    /// </summary>
    public string? ManagementHostname { get; set; }

    /// <summary>With <see cref="SseClusterDiscovery.Config"/>: every node's management endpoint as <c>host:port</c>, this node's included.</summary>
    public string[] Endpoints { get; set; } = [];

    /// <summary>With <see cref="SseClusterDiscovery.Kubernetes"/>: the pods' label selector; <c>{0}</c> stands for <see cref="ServiceName"/>.</summary>
    public string PodLabelSelector { get; set; } = "app={0}";

    /// <summary>With <see cref="SseClusterDiscovery.Kubernetes"/>: the namespace to list pods in; empty: the pod's own.</summary>
    public string? PodNamespace { get; set; }

    /// <summary>Bootstrap forms the cluster: a discovery method is chosen.</summary>
    public bool Enabled => Discovery != SseClusterDiscovery.None;

    /// <summary>The service the nodes look up: <see cref="ServiceName"/>, else the actor system's name.</summary>
    internal string EffectiveServiceName(string actorSystemName) => string.IsNullOrWhiteSpace(ServiceName) ? actorSystemName : ServiceName;
}
