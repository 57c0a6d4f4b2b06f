namespace Sse.Actors.Settings;

/// <summary>
/// How this node takes part in the Akka.NET cluster (<c>Sse:Cluster</c> section). It joins the seed nodes, or the nodes cluster
/// bootstrap discovers (<see cref="Bootstrap"/>); with neither it forms a one-node cluster with itself, the embedded default.
/// </summary>
public sealed class SseClusterOptions
{
    /// <summary>Address the Akka.NET remoting listens on.</summary>
    public string Hostname { get; set; } = "127.0.0.1";

    /// <summary>Akka.NET remoting port; 0 picks a free one (fine for a node nobody lists as a seed).</summary>
    public int Port { get; set; }

    /// <summary>The host name other nodes use to reach this one, when it differs (containers, NAT).</summary>
    public string? PublicHostname { get; set; }

    /// <summary>The port other nodes use to reach this one, when it differs.</summary>
    public int? PublicPort { get; set; }

    /// <summary>Nodes to join, e.g. <c>akka.tcp://sse@10.0.0.1:4053</c>; list the same ones on every node.</summary>
    public string[] SeedNodes { get; set; } = [];

    /// <summary>Cluster bootstrap with Akka.Management and Akka.Discovery instead of seed nodes; off until a discovery method is set.</summary>
    public SseClusterBootstrapOptions Bootstrap { get; set; } = new();

    /// <summary>
    /// How long a node may miss heartbeats before it is marked unreachable; a node that hears no majority for this long
    /// records nothing (the fence).
    /// </summary>
    public TimeSpan FailureDetectionPause { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How long membership must be quiet before the split-brain resolver downs unreachable nodes; sharding moves a downed
    /// node's entities right after. Raise it where pauses this long are normal (a node is downed, and restarts, otherwise).
    /// </summary>
    public TimeSpan DownUnreachableAfter { get; set; } = TimeSpan.FromSeconds(1.5);

    /// <summary>Akka.Remote over mutual TLS; off until a certificate is set.</summary>
    public SseClusterTlsOptions Tls { get; set; } = new();

    /// <summary>How long a cluster-wide question (stats, online users) waits for the other nodes' answers.</summary>
    public TimeSpan QueryTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How long a question about one user (<c>IsUserOnlineAsync</c>, <c>GetUserConnectionCountAsync</c>) waits for the user's
    /// entity, on whichever node sharding placed it (started on demand, or moving).
    /// </summary>
    public TimeSpan UserQueryTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the readiness check (<c>/readyz</c>) waits for each stream shard coordinator to answer.</summary>
    public TimeSpan CoordinatorCheckTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Where the other nodes reach this node's management endpoint (cluster bootstrap).</summary>
    internal string EffectiveManagementHostname =>
        Bootstrap.ManagementHostname is { Length: > 0 } configured ? configured : PublicHostname ?? Hostname;
}
