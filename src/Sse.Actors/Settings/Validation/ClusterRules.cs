namespace Sse.Actors.Settings.Validation;

/// <summary>
/// The rules of <c>Sse:Cluster</c>'s own options: where the node listens and what it announces, seed nodes of this actor
/// system that can reach it, the failure-detection timings and the questions' timeouts.
/// </summary>
internal static class ClusterRules
{
    private const string C = SseOptions.SectionName + ":Cluster";

    public static void Check(SseOptions options, Failures failures)
    {
        var cluster = options.Cluster;
        failures.Require(!string.IsNullOrWhiteSpace(cluster.Hostname), $"{C}:Hostname must not be empty.");
        failures.Require(cluster.Port is >= 0 and <= 65535, $"{C}:Port must be between 0 and 65535 (is {cluster.Port}).");
        failures.Require(cluster.PublicPort is null or (> 0 and <= 65535), $"{C}:PublicPort must be between 1 and 65535 (is {cluster.PublicPort}).");
        foreach (var seed in cluster.SeedNodes)
        {
            failures.Require(Addresses.IsSeedAddress(seed, options.ActorSystemName),
                $"{C}:SeedNodes has '{seed}', which is not an address like akka.tcp://{options.ActorSystemName}@host:port ({SseOptions.SectionName}:ActorSystemName names the system).");
        }
        if (UnreachableAnnouncedHost(cluster, options.ActorSystemName) is { } remote)
        {
            var (option, announced) = cluster.PublicHostname is null ? ("Hostname", cluster.Hostname) : ("PublicHostname", cluster.PublicHostname);
            failures.Add($"{C}:{option} is {announced}, which only this machine can reach, while {C}:{remote.Option} names {remote.Host}: " +
                $"the other nodes could not reach this one. Set {C}:PublicHostname to the address they reach it at (or listen on it with {C}:Hostname).");
        }
        failures.Require(cluster.FailureDetectionPause >= TimeSpan.FromSeconds(1), $"{C}:FailureDetectionPause must be at least 1 second (is {cluster.FailureDetectionPause}).");
        failures.Require(cluster.DownUnreachableAfter >= TimeSpan.FromSeconds(1), $"{C}:DownUnreachableAfter must be at least 1 second (is {cluster.DownUnreachableAfter}).");
        failures.RequireWait(cluster.CoordinatorCheckTimeout, $"{C}:CoordinatorCheckTimeout", TimeSpan.FromMinutes(1));
        failures.Require(cluster.QueryTimeout > TimeSpan.Zero, $"{C}:QueryTimeout must be positive (is {cluster.QueryTimeout}).");
        failures.Require(cluster.UserQueryTimeout > TimeSpan.Zero, $"{C}:UserQueryTimeout must be positive (is {cluster.UserQueryTimeout}).");
    }

    /// <summary>
    /// Another machine among the seed nodes or the bootstrap endpoints while this node announces a loopback address: the option
    /// and the other machine's host, else null.
    /// </summary>
    private static (string Option, string Host)? UnreachableAnnouncedHost(SseClusterOptions cluster, string systemName)
    {
        if (!Addresses.IsLoopback(cluster.PublicHostname ?? cluster.Hostname))
        {
            return null;
        }
        var seeds = cluster.SeedNodes.Where(seed => Addresses.IsSeedAddress(seed, systemName)).Select(seed => ("SeedNodes", Akka.Actor.Address.Parse(seed).Host!));
        var endpoints = cluster.Bootstrap.Discovery == SseClusterDiscovery.Config
            ? cluster.Bootstrap.Endpoints.Select(Addresses.EndpointHost).OfType<string>().Select(host => ("Bootstrap:Endpoints", host))
            : [];
        foreach (var (option, host) in seeds.Concat(endpoints))
        {
            if (!Addresses.IsLoopback(host))
            {
                return (option, host);
            }
        }
        return null;
    }
}
