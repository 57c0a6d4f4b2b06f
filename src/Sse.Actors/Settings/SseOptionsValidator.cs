using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Sse.Actors.Hosting;

namespace Sse.Actors.Settings;

/// <summary>The seed's rules for <see cref="SseOptions"/>; a failure names the option and stops start-up.</summary>
public sealed partial class SseOptionsValidator(IHostEnvironment environment) : IValidateOptions<SseOptions>
{
    private static readonly TimeSpan ProductionMinimumHeartbeat = TimeSpan.FromSeconds(5);

    public ValidateOptionsResult Validate(string? name, SseOptions options)
    {
        var failures = new List<string>();
        void Require(bool rule, string message)
        {
            if (!rule)
            {
                failures.Add(message);
            }
        }

        const string s = SseOptions.SectionName;
        Require(options.ClientBufferSize >= 1, $"{s}:ClientBufferSize must be at least 1 (is {options.ClientBufferSize}).");
        Require(options.HeartbeatInterval > TimeSpan.Zero, $"{s}:HeartbeatInterval must be positive (is {options.HeartbeatInterval}).");
        Require(environment.IsDevelopment() || options.HeartbeatInterval >= ProductionMinimumHeartbeat,
            $"{s}:HeartbeatInterval must be at least {ProductionMinimumHeartbeat} outside Development (is {options.HeartbeatInterval}).");
        Require(options.ClientTimeout >= 2 * options.HeartbeatInterval,
            $"{s}:ClientTimeout must be at least twice {s}:HeartbeatInterval (is {options.ClientTimeout}, heartbeat {options.HeartbeatInterval}).");
        Require(options.MaxConnections >= 0, $"{s}:MaxConnections must be 0 (unlimited) or more (is {options.MaxConnections}).");
        Require(options.MaxConnectionsPerUser >= 0, $"{s}:MaxConnectionsPerUser must be 0 (unlimited) or more (is {options.MaxConnectionsPerUser}).");
        Require(options.HistorySize is >= 0 and <= SseOptions.MaxHistorySize,
            $"{s}:HistorySize must be between 0 (no replay) and {SseOptions.MaxHistorySize} (is {options.HistorySize}).");
        Require(options.ReconnectDelay >= TimeSpan.Zero && options.ReconnectDelay.TotalMilliseconds <= int.MaxValue,
            $"{s}:ReconnectDelay must be between 0 and {int.MaxValue} ms (is {options.ReconnectDelay}).");
        Require(options.ReconnectDelayMax is not { } longest || (longest >= options.ReconnectDelay && longest.TotalMilliseconds <= int.MaxValue),
            $"{s}:ReconnectDelayMax must be between {s}:ReconnectDelay ({options.ReconnectDelay}) and {int.MaxValue} ms (is {options.ReconnectDelayMax}).");
        Require(options.RefusedRetryAfter >= TimeSpan.FromSeconds(1), $"{s}:RefusedRetryAfter must be at least 1 second (is {options.RefusedRetryAfter}).");
        Require(options.PublishTimeout > TimeSpan.Zero && options.PublishTimeout <= TimeSpan.FromMinutes(5),
            $"{s}:PublishTimeout must be above 0 and at most 5 minutes (is {options.PublishTimeout}).");
        Require(options.SubscribeRetryInterval > TimeSpan.Zero, $"{s}:SubscribeRetryInterval must be positive (is {options.SubscribeRetryInterval}).");
        Require(options.EmptyEntityPassivation > TimeSpan.Zero, $"{s}:EmptyEntityPassivation must be positive (is {options.EmptyEntityPassivation}).");
        Require(options.HistorySize == 0 || options.HistoryRetention >= options.EmptyEntityPassivation,
            $"{s}:HistoryRetention must be at least {s}:EmptyEntityPassivation (is {options.HistoryRetention}, passivation {options.EmptyEntityPassivation}).");
        var store = options.HistoryStore;
        Require(Enum.IsDefined(store.Provider), $"{s}:HistoryStore:Provider must be Memory, Sqlite or PostgreSql (is {store.Provider}).");
        Require(store.Provider == SseHistoryStore.Memory || options.HistorySize > 0,
            $"{s}:HistoryStore:Provider {store.Provider} needs {s}:HistorySize above 0: there is no history to store.");
        Require(store.Provider != SseHistoryStore.PostgreSql || !string.IsNullOrWhiteSpace(store.ConnectionString),
            $"{s}:HistoryStore:ConnectionString is required when {s}:HistoryStore:Provider is PostgreSql.");
        Require(store.Provider != SseHistoryStore.Sqlite || (options.Cluster.SeedNodes.Length == 0 && !options.Cluster.Bootstrap.Enabled),
            $"{s}:HistoryStore:Provider Sqlite is a file on one node; a cluster ({s}:Cluster:SeedNodes or {s}:Cluster:Bootstrap is set) needs PostgreSql, which every node shares.");
        Require(options.ShutdownGrace >= TimeSpan.Zero, $"{s}:ShutdownGrace must not be negative (is {options.ShutdownGrace}).");
        Require(options.ShardCount >= 1, $"{s}:ShardCount must be at least 1 (is {options.ShardCount}).");
        Require(options.FanOutPartitions is >= 0 and <= 1024, $"{s}:FanOutPartitions must be between 0 (one per core) and 1024 (is {options.FanOutPartitions}).");
        Require(IsActorSystemName(options.ActorSystemName),
            $"{s}:ActorSystemName must be ASCII letters, digits and '-', starting with a letter or digit (Akka.NET's rule; is '{options.ActorSystemName}').");

        var limits = options.Limits;
        Require(limits.MaxTopicsPerConnection >= 1, $"{s}:Limits:MaxTopicsPerConnection must be at least 1 (is {limits.MaxTopicsPerConnection}).");
        Require(limits.MaxTopicLength >= 1, $"{s}:Limits:MaxTopicLength must be at least 1 (is {limits.MaxTopicLength}).");
        Require(limits.MaxEventNameLength >= 1, $"{s}:Limits:MaxEventNameLength must be at least 1 (is {limits.MaxEventNameLength}).");
        Require(limits.MaxEventDataBytes >= 1, $"{s}:Limits:MaxEventDataBytes must be at least 1 (is {limits.MaxEventDataBytes}).");
        Require(limits.MaxSendBodyBytes >= 1, $"{s}:Limits:MaxSendBodyBytes must be at least 1 (is {limits.MaxSendBodyBytes}).");
        Require(limits.MaxBatchSize >= 1, $"{s}:Limits:MaxBatchSize must be at least 1 (is {limits.MaxBatchSize}).");
        Require(limits.MaxBatchBodyBytes >= 1, $"{s}:Limits:MaxBatchBodyBytes must be at least 1 (is {limits.MaxBatchBodyBytes}).");
        Require(limits.MaxPendingPublishes >= 1, $"{s}:Limits:MaxPendingPublishes must be at least 1 (is {limits.MaxPendingPublishes}).");
        Require(limits.MaxStreamBacklog >= 100, $"{s}:Limits:MaxStreamBacklog must be at least 100 (is {limits.MaxStreamBacklog}).");
        Require(limits.MaxBrokerBacklog >= 100, $"{s}:Limits:MaxBrokerBacklog must be at least 100 (is {limits.MaxBrokerBacklog}).");
        Require(limits.ConnectionAttemptsPerMinutePerIp >= 0,
            $"{s}:Limits:ConnectionAttemptsPerMinutePerIp must be 0 (no limit) or more (is {limits.ConnectionAttemptsPerMinutePerIp}).");

        var auth = options.Auth;
        if (auth.Mode == SseAuthMode.Jwt)
        {
            Require(!string.IsNullOrEmpty(auth.Jwt.SigningKey) || !string.IsNullOrEmpty(auth.Jwt.Authority),
                $"{s}:Auth:Jwt:SigningKey or {s}:Auth:Jwt:Authority is required when {s}:Auth:Mode is Jwt.");
            Require(string.IsNullOrEmpty(auth.Jwt.SigningKey) || System.Text.Encoding.UTF8.GetByteCount(auth.Jwt.SigningKey) >= 32,
                $"{s}:Auth:Jwt:SigningKey must be at least 32 bytes for HS256.");
        }
        Require(!string.IsNullOrWhiteSpace(auth.UserIdClaim), $"{s}:Auth:UserIdClaim must not be empty.");
        Require(auth.TicketLifetime >= TimeSpan.FromSeconds(1) && auth.TicketLifetime <= SseAuthOptions.MaxTicketLifetime,
            $"{s}:Auth:TicketLifetime must be between 1 second and {SseAuthOptions.MaxTicketLifetime} (is {auth.TicketLifetime}).");

        var cluster = options.Cluster;
        Require(!string.IsNullOrWhiteSpace(cluster.Hostname), $"{s}:Cluster:Hostname must not be empty.");
        Require(cluster.Port is >= 0 and <= 65535, $"{s}:Cluster:Port must be between 0 and 65535 (is {cluster.Port}).");
        Require(cluster.PublicPort is null or (> 0 and <= 65535), $"{s}:Cluster:PublicPort must be between 1 and 65535 (is {cluster.PublicPort}).");
        foreach (var seed in cluster.SeedNodes)
        {
            Require(IsSeedAddress(seed, options.ActorSystemName),
                $"{s}:Cluster:SeedNodes has '{seed}', which is not an address like akka.tcp://{options.ActorSystemName}@host:port ({s}:ActorSystemName names the system).");
        }
        if (UnreachableAnnouncedHost(cluster, options.ActorSystemName) is { } remote)
        {
            var (option, announced) = cluster.PublicHostname is null ? ("Hostname", cluster.Hostname) : ("PublicHostname", cluster.PublicHostname);
            failures.Add($"{s}:Cluster:{option} is {announced}, which only this machine can reach, while {s}:Cluster:{remote.Option} names {remote.Host}: " +
                $"the other nodes could not reach this one. Set {s}:Cluster:PublicHostname to the address they reach it at (or listen on it with {s}:Cluster:Hostname).");
        }
        ValidateBootstrap(options, failures);
        Require(cluster.FailureDetectionPause >= TimeSpan.FromSeconds(1), $"{s}:Cluster:FailureDetectionPause must be at least 1 second (is {cluster.FailureDetectionPause}).");
        Require(cluster.DownUnreachableAfter >= TimeSpan.FromSeconds(1), $"{s}:Cluster:DownUnreachableAfter must be at least 1 second (is {cluster.DownUnreachableAfter}).");

        var tls = cluster.Tls;
        Require(string.IsNullOrWhiteSpace(tls.CertificatePath) || string.IsNullOrWhiteSpace(tls.Thumbprint),
            $"{s}:Cluster:Tls:CertificatePath and {s}:Cluster:Tls:Thumbprint name two certificates; set one.");
        if (tls.Enabled && (string.IsNullOrWhiteSpace(tls.CertificatePath) || string.IsNullOrWhiteSpace(tls.Thumbprint)))
        {
            var option = $"{s}:Cluster:Tls:{(string.IsNullOrWhiteSpace(tls.CertificatePath) ? "Thumbprint" : "CertificatePath")}";
            try
            {
                using var certificate = tls.LoadCertificate();
                Require(certificate.HasPrivateKey, $"{option} names {certificate.Subject}, a certificate without its private key: a node needs its own.");
            }
            catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException or InvalidOperationException or UnauthorizedAccessException)
            {
                failures.Add($"{option} names a certificate that cannot be loaded: {e.Message}");
            }
        }
        foreach (var seed in cluster.SeedNodes.Where(seed => IsSeedAddress(seed, options.ActorSystemName)))
        {
            var protocol = Akka.Actor.Address.Parse(seed).Protocol;
            Require(protocol == (tls.Enabled ? "akka.ssl.tcp" : "akka.tcp"), tls.Enabled
                ? $"{s}:Cluster:SeedNodes has '{seed}': with {s}:Cluster:Tls the nodes speak akka.ssl.tcp://, so name them so."
                : $"{s}:Cluster:SeedNodes has '{seed}', an akka.ssl.tcp:// address: set {s}:Cluster:Tls on every node, or name the seeds akka.tcp://.");
        }
        Require(cluster.QueryTimeout > TimeSpan.Zero, $"{s}:Cluster:QueryTimeout must be positive (is {cluster.QueryTimeout}).");
        Require(cluster.UserQueryTimeout > TimeSpan.Zero, $"{s}:Cluster:UserQueryTimeout must be positive (is {cluster.UserQueryTimeout}).");

        foreach (var host in options.Metrics.Hosts)
        {
            Require(!string.IsNullOrWhiteSpace(host), $"{s}:Metrics:Hosts must not hold an empty entry.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>
    /// Another machine among the seed nodes or the bootstrap endpoints while this node announces a loopback address: the option
    /// and the other machine's host, else null.
    /// </summary>
    private static (string Option, string Host)? UnreachableAnnouncedHost(SseClusterOptions cluster, string systemName)
    {
        if (!IsLoopback(cluster.PublicHostname ?? cluster.Hostname))
        {
            return null;
        }
        var seeds = cluster.SeedNodes.Where(seed => IsSeedAddress(seed, systemName)).Select(seed => ("SeedNodes", Akka.Actor.Address.Parse(seed).Host!));
        var endpoints = cluster.Bootstrap.Discovery == SseClusterDiscovery.Config
            ? cluster.Bootstrap.Endpoints.Select(EndpointHost).OfType<string>().Select(host => ("Bootstrap:Endpoints", host))
            : [];
        foreach (var (option, host) in seeds.Concat(endpoints))
        {
            if (!IsLoopback(host))
            {
                return (option, host);
            }
        }
        return null;
    }

    /// <summary>The rules of <c>Sse:Cluster:Bootstrap</c>: one way to form the cluster, and what the discovery method needs.</summary>
    private static void ValidateBootstrap(SseOptions options, List<string> failures)
    {
        const string b = SseOptions.SectionName + ":Cluster:Bootstrap";
        var cluster = options.Cluster;
        var bootstrap = cluster.Bootstrap;
        void Require(bool rule, string message)
        {
            if (!rule)
            {
                failures.Add(message);
            }
        }

        Require(Enum.IsDefined(bootstrap.Discovery), $"{b}:Discovery must be None, Config or Kubernetes (is {bootstrap.Discovery}).");
        if (!bootstrap.Enabled)
        {
            Require(bootstrap.Endpoints.Length == 0,
                $"{b}:Endpoints is set while {b}:Discovery is None: set {b}:Discovery to Config to form the cluster from them, or remove them.");
            return;
        }
        Require(cluster.SeedNodes.Length == 0,
            $"{SseOptions.SectionName}:Cluster:SeedNodes and {b}:Discovery ({bootstrap.Discovery}) both say how this node joins a cluster: " +
            "set one (bootstrap finds the nodes itself, without seed nodes).");
        Require(IsActorSystemName(SseClusterBootstrap.ServiceName(bootstrap, options.ActorSystemName)),
            $"{b}:ServiceName must be ASCII letters, digits and '-', starting with a letter or digit (is '{bootstrap.ServiceName}').");
        Require(bootstrap.RequiredContactPoints >= 1, $"{b}:RequiredContactPoints must be at least 1 (is {bootstrap.RequiredContactPoints}).");
        Require(bootstrap.ManagementPort is >= 1 and <= 65535, $"{b}:ManagementPort must be between 1 and 65535 (is {bootstrap.ManagementPort}).");
        Require(bootstrap.ManagementPort != cluster.Port,
            $"{b}:ManagementPort and {SseOptions.SectionName}:Cluster:Port are both {cluster.Port}: the management endpoint and remoting need a port each.");
        var managementHost = SseClusterBootstrap.ManagementHostname(cluster);
        var managementOption = !string.IsNullOrEmpty(bootstrap.ManagementHostname) ? "Bootstrap:ManagementHostname"
            : cluster.PublicHostname is not null ? "PublicHostname" : "Hostname";
        Require(!IsWildcard(managementHost),
            $"{SseOptions.SectionName}:Cluster:{managementOption} is {managementHost}, which no other node can reach as this node's management endpoint: " +
            $"set {SseOptions.SectionName}:Cluster:PublicHostname (or {b}:ManagementHostname) to the address the other nodes reach this one at.");
        if (bootstrap.Discovery == SseClusterDiscovery.Config)
        {
            Require(bootstrap.Endpoints.Length > 0,
                $"{b}:Endpoints must list every node's management endpoint (host:port, this node's included) when {b}:Discovery is Config.");
            foreach (var endpoint in bootstrap.Endpoints)
            {
                Require(EndpointHost(endpoint) is not null, $"{b}:Endpoints has '{endpoint}', which is not host:port (a management endpoint, e.g. sse-1:8558).");
            }
            Require(bootstrap.Endpoints.Length == 0 || bootstrap.RequiredContactPoints <= bootstrap.Endpoints.Length,
                $"{b}:RequiredContactPoints is {bootstrap.RequiredContactPoints} but {b}:Endpoints lists {bootstrap.Endpoints.Length}: the cluster would never form.");
        }
        else
        {
            Require(bootstrap.Endpoints.Length == 0,
                $"{b}:Endpoints is for Config discovery; with {bootstrap.Discovery} the nodes are found through the Kubernetes API: remove it.");
            Require(!string.IsNullOrWhiteSpace(bootstrap.PodLabelSelector), $"{b}:PodLabelSelector must not be empty when {b}:Discovery is Kubernetes.");
            var announced = cluster.PublicHostname ?? cluster.Hostname;
            Require(!IsLoopback(announced) && !IsWildcard(announced),
                $"{SseOptions.SectionName}:Cluster:{(cluster.PublicHostname is null ? "Hostname" : "PublicHostname")} is {announced}, which the other pods cannot reach: " +
                $"set {SseOptions.SectionName}:Cluster:PublicHostname to the pod's IP (status.podIP) with {b}:Discovery Kubernetes.");
        }
    }

    /// <summary>The host of a <c>host:port</c> management endpoint, else null.</summary>
    private static string? EndpointHost(string endpoint)
    {
        var parts = endpoint.Split(':');
        return parts.Length == 2 && parts[0].Length > 0 && int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) &&
            port is >= 1 and <= 65535
            ? parts[0]
            : null;
    }

    private static bool IsWildcard(string host) =>
        System.Net.IPAddress.TryParse(host, out var address) && (address.Equals(System.Net.IPAddress.Any) || address.Equals(System.Net.IPAddress.IPv6Any));

    private static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || (System.Net.IPAddress.TryParse(host, out var address) && System.Net.IPAddress.IsLoopback(address));

    /// <summary>Akka.NET's rule for an actor system's name, checked here so that a bad one is named at start like any other option.</summary>
    private static bool IsActorSystemName(string? name) => name is not null && ActorSystemNameRule().IsMatch(name);

    [System.Text.RegularExpressions.GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9-]*$")]
    private static partial System.Text.RegularExpressions.Regex ActorSystemNameRule();

    private static bool IsSeedAddress(string seed, string systemName)
    {
        try
        {
            var address = Akka.Actor.Address.Parse(seed);
            return address.System == systemName && address.Host is not null && address.Port is > 0;
        }
        catch (Exception e) when (e is UriFormatException or ArgumentException or FormatException)
        {
            return false;
        }
    }
}
