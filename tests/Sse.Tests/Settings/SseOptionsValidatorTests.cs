using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Sse.Actors.Settings;

namespace Sse.Tests.Settings;

[Trait("Category", TestCategories.Http)]
public sealed class SseOptionsValidatorTests
{
    [Fact]
    public void Default_options_are_valid()
    {
        Assert.True(Validate(new SseOptions()).Succeeded);
    }

    [Fact]
    public void Default_options_are_valid_in_development()
    {
        Assert.True(Validate(new SseOptions(), Environments.Development).Succeeded);
    }

    [Fact]
    public void Client_buffer_size_of_zero_is_rejected()
    {
        AssertFailsNaming("ClientBufferSize", Validate(new SseOptions { ClientBufferSize = 0 }));
    }

    [Fact]
    public void Client_timeout_under_twice_the_heartbeat_interval_is_rejected()
    {
        var options = new SseOptions { HeartbeatInterval = TimeSpan.FromSeconds(30), ClientTimeout = TimeSpan.FromSeconds(59) };

        AssertFailsNaming("ClientTimeout", Validate(options));
    }

    [Fact]
    public void Client_timeout_of_exactly_twice_the_heartbeat_interval_is_accepted()
    {
        var options = new SseOptions { HeartbeatInterval = TimeSpan.FromSeconds(30), ClientTimeout = TimeSpan.FromSeconds(60) };

        Assert.True(Validate(options).Succeeded);
    }

    [Fact]
    public void A_ReconnectDelayMax_below_ReconnectDelay_is_rejected()
    {
        var options = new SseOptions { ReconnectDelay = TimeSpan.FromSeconds(3), ReconnectDelayMax = TimeSpan.FromSeconds(2) };

        AssertFailsNaming("ReconnectDelayMax", Validate(options));
    }

    [Fact]
    public void A_ReconnectDelayMax_equal_to_ReconnectDelay_is_accepted()
    {
        var options = new SseOptions { ReconnectDelay = TimeSpan.FromSeconds(3), ReconnectDelayMax = TimeSpan.FromSeconds(3) };

        Assert.True(Validate(options).Succeeded);
    }

    [Theory]
    [InlineData("00:00:00.999", false)]
    [InlineData("00:00:01", true)]
    [InlineData("00:05:00", true)]
    [InlineData("00:05:01", false)]
    public void Ticket_lifetime_is_between_one_second_and_five_minutes(string lifetime, bool valid)
    {
        var result = Validate(new SseOptions { Auth = new SseAuthOptions { TicketLifetime = TimeSpan.Parse(lifetime, System.Globalization.CultureInfo.InvariantCulture) } });

        if (valid)
        {
            Assert.True(result.Succeeded, result.FailureMessage);
        }
        else
        {
            AssertFailsNaming("Auth:TicketLifetime", result);
        }
    }

    [Theory]
    [InlineData("MaxPendingPublishes", 0)]
    [InlineData("MaxStreamBacklog", 99)]
    [InlineData("MaxBrokerBacklog", 99)]
    public void Back_pressure_bounds_below_their_minimum_are_rejected(string limit, int value)
    {
        var limits = new SseLimitsOptions();
        typeof(SseLimitsOptions).GetProperty(limit)!.SetValue(limits, value);

        AssertFailsNaming($"Limits:{limit}", Validate(new SseOptions { Limits = limits }));
    }

    [Theory]
    [InlineData("ConnectTimeout", "00:05:00")]
    [InlineData("AdmissionTimeout", "00:05:00")]
    [InlineData("Auth:TicketRedeemTimeout", "00:01:00")]
    [InlineData("HistoryStore:CheckTimeout", "00:01:00")]
    [InlineData("HistoryStore:HandoverWriteTimeout", "00:00:10")]
    [InlineData("HistoryStore:HandoverReadTimeout", "00:00:10")]
    [InlineData("Cluster:CoordinatorCheckTimeout", "00:01:00")]
    public void A_wait_is_above_zero_and_at_most_its_bound(string option, string bound)
    {
        var longest = TimeSpan.Parse(bound, System.Globalization.CultureInfo.InvariantCulture);

        Assert.True(Validate(WithWait(option, longest)).Succeeded);
        AssertFailsNaming(option, Validate(WithWait(option, longest + TimeSpan.FromMilliseconds(1))));
        AssertFailsNaming(option, Validate(WithWait(option, TimeSpan.Zero)));
        AssertFailsNaming(option, Validate(WithWait(option, TimeSpan.FromSeconds(-1))));
    }

    [Fact]
    public void A_user_query_timeout_of_zero_is_rejected() =>
        AssertFailsNaming("Cluster:UserQueryTimeout", Validate(new SseOptions { Cluster = { UserQueryTimeout = TimeSpan.Zero } }));

    [Fact]
    public void An_empty_metrics_host_is_rejected()
    {
        AssertFailsNaming("Metrics:Hosts", Validate(new SseOptions { Metrics = new SseMetricsOptions { Hosts = ["*:9464", " "] } }));
    }

    [Fact]
    public void Heartbeat_interval_under_five_seconds_is_rejected_outside_development()
    {
        var options = new SseOptions { HeartbeatInterval = TimeSpan.FromSeconds(1) };

        AssertFailsNaming("HeartbeatInterval", Validate(options, Environments.Production));
    }

    [Fact]
    public void Heartbeat_interval_under_five_seconds_is_allowed_in_development()
    {
        var options = new SseOptions { HeartbeatInterval = TimeSpan.FromSeconds(1) };

        Assert.True(Validate(options, Environments.Development).Succeeded);
    }

    [Fact]
    public void Zero_heartbeat_interval_is_rejected_even_in_development()
    {
        var options = new SseOptions { HeartbeatInterval = TimeSpan.Zero };

        AssertFailsNaming("HeartbeatInterval", Validate(options, Environments.Development));
    }

    [Fact]
    public void A_durable_history_store_without_history_is_rejected() =>
        AssertFailsNaming("HistoryStore:Provider", Validate(new SseOptions { HistoryStore = { Provider = SseHistoryStore.Sqlite } }));

    [Fact]
    public void A_postgresql_history_store_without_a_connection_string_is_rejected() =>
        AssertFailsNaming("HistoryStore:ConnectionString",
            Validate(new SseOptions { HistorySize = 10, HistoryStore = { Provider = SseHistoryStore.PostgreSql } }));

    [Fact]
    public void A_sqlite_history_store_in_a_cluster_is_rejected() =>
        AssertFailsNaming("HistoryStore:Provider", Validate(new SseOptions
        {
            HistorySize = 10,
            HistoryStore = { Provider = SseHistoryStore.Sqlite },
            Cluster = { PublicHostname = "10.0.0.2", SeedNodes = ["akka.tcp://sse@10.0.0.1:4053"] },
        }));

    [Theory]
    [InlineData("127.0.0.1", null)]
    [InlineData("localhost", null)]
    [InlineData("0.0.0.0", "127.0.0.1")]
    public void A_node_that_announces_a_loopback_address_to_seed_nodes_on_other_hosts_is_rejected(string hostname, string? publicHostname)
    {
        var result = Validate(new SseOptions { Cluster = { Hostname = hostname, PublicHostname = publicHostname, SeedNodes = ["akka.tcp://sse@10.0.0.1:4053"] } });

        AssertFailsNaming(publicHostname is null ? "Cluster:Hostname" : "Cluster:PublicHostname", result);
        Assert.Contains("10.0.0.1", Assert.Single(result.Failures!));
    }

    [Theory]
    [InlineData("127.0.0.1", null, "akka.tcp://sse@127.0.0.1:4053")]
    [InlineData("127.0.0.1", "10.0.0.2", "akka.tcp://sse@10.0.0.1:4053")]
    [InlineData("0.0.0.0", "node-2.sse.internal", "akka.tcp://sse@node-1.sse.internal:4053")]
    [InlineData("10.0.0.2", null, "akka.tcp://sse@10.0.0.1:4053")]
    public void A_node_others_can_reach_at_the_address_it_announces_is_accepted(string hostname, string? publicHostname, string seed) =>
        Assert.True(Validate(new SseOptions { Cluster = { Hostname = hostname, PublicHostname = publicHostname, SeedNodes = [seed] } }).Succeeded);

    [Fact]
    public void Cluster_tls_from_a_file_and_from_the_store_at_once_is_rejected() =>
        AssertFailsNaming("Cluster:Tls:CertificatePath", Validate(new SseOptions { Cluster = { Tls = { CertificatePath = "a.pfx", Thumbprint = "AB" } } }));

    [Theory]
    [InlineData("akka.ssl.tcp://sse@127.0.0.1:4053")]
    public void Tls_seed_nodes_without_cluster_tls_are_rejected(string seed) =>
        AssertFailsNaming("Cluster:SeedNodes", Validate(new SseOptions { Cluster = { SeedNodes = [seed] } }));

    [Theory]
    [InlineData("sse")]
    [InlineData("shop-1")]
    [InlineData("Shop_2")]
    [InlineData("9lives")]
    [InlineData("-shop")]
    [InlineData("_shop")]
    [InlineData("shop.eu")]
    [InlineData("shop eu")]
    [InlineData("")]
    public void The_actor_system_name_follows_Akkas_own_rule(string name)
    {
        bool akkaAccepts;
        try
        {
            using var system = Akka.Actor.ActorSystem.Create(name, "akka.loglevel = OFF\nakka.stdout-loglevel = OFF");
            akkaAccepts = true;
        }
        catch (ArgumentException)
        {
            akkaAccepts = false;
        }

        var result = Validate(new SseOptions { ActorSystemName = name });

        Assert.Equal(akkaAccepts, result.Succeeded);
        if (!akkaAccepts)
        {
            AssertFailsNaming("ActorSystemName", result);
        }
    }

    [Fact]
    public void Seed_nodes_name_the_configured_actor_system()
    {
        AssertFailsNaming("Cluster:SeedNodes", Validate(new SseOptions { ActorSystemName = "shop", Cluster = { SeedNodes = ["akka.tcp://sse@127.0.0.1:4053"] } }));
        Assert.True(Validate(new SseOptions { ActorSystemName = "shop", Cluster = { SeedNodes = ["akka.tcp://shop@127.0.0.1:4053"] } }).Succeeded);
    }

    [Fact]
    public void A_sqlite_history_store_on_one_node_needs_no_connection_string() =>
        Assert.True(Validate(new SseOptions { HistorySize = 10, HistoryStore = { Provider = SseHistoryStore.Sqlite } }).Succeeded);

    [Fact]
    public async Task A_sqlite_file_that_cannot_be_opened_stops_the_start_naming_the_option()
    {
        // A folder where the file should be: SQLite cannot open it.
        var folder = Directory.CreateTempSubdirectory("sse-sqlite-").FullName;
        try
        {
            var start = Http.BrokerHost.StartAsync(new Dictionary<string, string>
            {
                ["Sse:HistorySize"] = "10",
                ["Sse:HistoryStore:Provider"] = "Sqlite",
                ["Sse:HistoryStore:ConnectionString"] = $"Data Source={folder}",
            });

            var error = await Assert.ThrowsAnyAsync<Exception>(() => start);
            Assert.Contains("Sse:HistoryStore:ConnectionString", error.ToString());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Negative_max_connections_is_rejected()
    {
        AssertFailsNaming("MaxConnections", Validate(new SseOptions { MaxConnections = -1 }));
    }

    [Fact]
    public void Negative_max_connections_per_user_is_rejected()
    {
        AssertFailsNaming("MaxConnectionsPerUser", Validate(new SseOptions { MaxConnectionsPerUser = -1 }));
    }

    [Fact]
    public void Negative_history_size_is_rejected()
    {
        AssertFailsNaming("HistorySize", Validate(new SseOptions { HistorySize = -1 }));
    }

    [Fact]
    public void History_size_up_to_its_maximum_is_accepted()
    {
        Assert.True(Validate(new SseOptions { HistorySize = SseOptions.MaxHistorySize }).Succeeded);
    }

    [Fact]
    public void History_size_over_its_maximum_is_rejected()
    {
        AssertFailsNaming("HistorySize", Validate(new SseOptions { HistorySize = SseOptions.MaxHistorySize + 1 }));
    }

    [Fact]
    public void With_history_on_the_retention_must_cover_the_empty_passivation()
    {
        var options = new SseOptions { HistorySize = 10, EmptyEntityPassivation = TimeSpan.FromMinutes(20), HistoryRetention = TimeSpan.FromMinutes(10) };

        AssertFailsNaming("HistoryRetention", Validate(options));
        Assert.True(Validate(new SseOptions { HistorySize = 0, EmptyEntityPassivation = TimeSpan.FromMinutes(20) }).Succeeded);
    }

    [Fact]
    public void Bootstrap_with_config_discovery_listing_every_node_is_valid()
    {
        var options = new SseOptions { Cluster = { Bootstrap = ConfigBootstrap("127.0.0.1:8558", "127.0.0.1:8559") } };

        Assert.True(Validate(options).Succeeded);
    }

    [Fact]
    public void Bootstrap_and_seed_nodes_at_once_are_rejected_naming_both()
    {
        var options = new SseOptions { Cluster = { SeedNodes = ["akka.tcp://sse@127.0.0.1:4053"], Bootstrap = ConfigBootstrap("127.0.0.1:8558", "127.0.0.1:8559") } };

        var failure = Assert.Single(Validate(options).Failures!);
        Assert.StartsWith("Sse:Cluster:SeedNodes and Sse:Cluster:Bootstrap:Discovery (Config) both say how this node joins a cluster", failure);
    }

    [Fact]
    public void Config_discovery_without_endpoints_is_rejected() =>
        AssertFailsNaming("Cluster:Bootstrap:Endpoints", Validate(new SseOptions { Cluster = { Bootstrap = ConfigBootstrap() } }));

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:http")]
    [InlineData("127.0.0.1:70000")]
    [InlineData(":8558")]
    [InlineData("akka.tcp://sse@127.0.0.1:8558")]
    public void A_config_endpoint_that_is_not_host_and_port_is_rejected(string endpoint)
    {
        var bootstrap = ConfigBootstrap("127.0.0.1:8558", endpoint);
        bootstrap.RequiredContactPoints = 1;

        AssertFailsNaming("Cluster:Bootstrap:Endpoints", Validate(new SseOptions { Cluster = { Bootstrap = bootstrap } }));
    }

    [Fact]
    public void More_required_contact_points_than_config_endpoints_is_rejected()
    {
        var bootstrap = ConfigBootstrap("127.0.0.1:8558", "127.0.0.1:8559");
        bootstrap.RequiredContactPoints = 3;

        AssertFailsNaming("Cluster:Bootstrap:RequiredContactPoints", Validate(new SseOptions { Cluster = { Bootstrap = bootstrap } }));
    }

    [Fact]
    public void Endpoints_without_a_discovery_method_are_rejected() =>
        AssertFailsNaming("Cluster:Bootstrap:Endpoints", Validate(new SseOptions { Cluster = { Bootstrap = { Endpoints = ["127.0.0.1:8558"] } } }));

    [Fact]
    public void The_management_port_must_differ_from_the_remoting_port()
    {
        var options = new SseOptions { Cluster = { Port = 8558, Bootstrap = ConfigBootstrap("127.0.0.1:8558", "127.0.0.1:8559") } };

        AssertFailsNaming("Cluster:Bootstrap:ManagementPort", Validate(options));
    }

    [Fact]
    public void A_management_endpoint_announced_as_every_interface_is_rejected()
    {
        var options = new SseOptions { Cluster = { Hostname = "0.0.0.0", Bootstrap = ConfigBootstrap("sse-1:8558", "sse-2:8558") } };

        AssertFailsNaming("Cluster:Hostname", Validate(options));
        options.Cluster.PublicHostname = "sse-1";
        Assert.True(Validate(options).Succeeded);
    }

    [Fact]
    public void Config_endpoints_on_other_hosts_while_this_node_announces_loopback_are_rejected() =>
        AssertFailsNaming("Cluster:Hostname", Validate(new SseOptions { Cluster = { Bootstrap = ConfigBootstrap("sse-1:8558", "sse-2:8558") } }));

    [Fact]
    public void Kubernetes_discovery_needs_the_pod_address_and_no_endpoints()
    {
        var bootstrap = new SseClusterBootstrapOptions { Discovery = SseClusterDiscovery.Kubernetes };

        AssertFailsNaming("Cluster:Hostname", Validate(new SseOptions { Cluster = { Bootstrap = bootstrap } }));
        Assert.True(Validate(new SseOptions { Cluster = { Hostname = "0.0.0.0", PublicHostname = "10.1.2.3", Bootstrap = bootstrap } }).Succeeded);
        bootstrap.Endpoints = ["10.1.2.4:8558"];
        AssertFailsNaming("Cluster:Bootstrap:Endpoints", Validate(new SseOptions { Cluster = { Hostname = "0.0.0.0", PublicHostname = "10.1.2.3", Bootstrap = bootstrap } }));
    }

    [Fact]
    public void A_bootstrapped_cluster_cannot_keep_its_history_in_Sqlite()
    {
        var options = new SseOptions
        {
            HistorySize = 10,
            HistoryStore = { Provider = SseHistoryStore.Sqlite },
            Cluster = { Bootstrap = ConfigBootstrap("127.0.0.1:8558", "127.0.0.1:8559") },
        };

        AssertFailsNaming("HistoryStore:Provider", Validate(options));
    }

    private static SseClusterBootstrapOptions ConfigBootstrap(params string[] endpoints) =>
        new() { Discovery = SseClusterDiscovery.Config, Endpoints = endpoints };

    [Fact]
    public void Every_broken_rule_is_reported()
    {
        var options = new SseOptions { ClientBufferSize = 0, MaxConnections = -1, ShardCount = 0 };

        var failures = Validate(options).Failures ?? [];

        Assert.Equal(3, failures.Count());
    }

    /// <summary>Default options with the wait <paramref name="option"/> (its path under <c>Sse</c>) set to <paramref name="wait"/>.</summary>
    private static SseOptions WithWait(string option, TimeSpan wait)
    {
        var options = new SseOptions();
        object section = options;
        var names = option.Split(':');
        foreach (var name in names[..^1])
        {
            section = section.GetType().GetProperty(name)!.GetValue(section)!;
        }
        section.GetType().GetProperty(names[^1])!.SetValue(section, wait);
        return options;
    }

    private static ValidateOptionsResult Validate(SseOptions options, string environmentName = "Production") =>
        new SseOptionsValidator(new TestHostEnvironment(environmentName)).Validate(Options.DefaultName, options);

    /// <summary>The result failed, and every failure names the option as it is spelled in configuration.</summary>
    private static void AssertFailsNaming(string option, ValidateOptionsResult result)
    {
        Assert.True(result.Failed);
        Assert.NotEmpty(result.Failures!);
        Assert.All(result.Failures!, failure => Assert.StartsWith($"Sse:{option} ", failure));
    }

    private sealed class TestHostEnvironment(string environmentName) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = environmentName;

        public string ApplicationName { get; set; } = "Sse.Tests";

        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
