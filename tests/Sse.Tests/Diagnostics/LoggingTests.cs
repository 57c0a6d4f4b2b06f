using Akka.Event;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;
using Sse.Actors.Diagnostics;
using Sse.Tests.Http;

namespace Sse.Tests.Diagnostics;

/// <summary>What a node logs at which level: no line per stream or per refusal at Information, and Akka.NET lines named by their source.</summary>
[Trait("Category", TestCategories.Http)]
public sealed class LoggingTests
{
    private const string StreamEndpoint = "Sse.Actors.Http.StreamEndpoint";

    [Fact]
    public async Task Streams_opened_and_ended_are_Debug_lines()
    {
        var logs = new CapturedLoggerProvider();
        await using (var host = await StartAsync(logs))
        {
            await using var stream = await host.ConnectAsync(Guid.NewGuid().ToString());
        }

        var lines = logs.From(StreamEndpoint);
        Assert.Contains(lines, line => line.Level == LogLevel.Debug && line.Message.Contains("opened", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Level > LogLevel.Debug);
    }

    [Fact]
    public async Task A_flood_of_refused_streams_is_one_Information_line_while_each_is_Debug_and_counted()
    {
        var logs = new CapturedLoggerProvider();
        await using var host = await StartAsync(logs);
        var node = host.Node();

        for (var i = 0; i < 30; i++)
        {
            using var refused = await host.Client.GetAsync("/api/v1/sse/stream");
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        await host.AwaitMetricsAsync(m => m.Value("sse_client_refused_total", node, ("reason", "unauthorized")) == 30);
        var lines = logs.From(StreamEndpoint);
        Assert.Equal(30, lines.Count(line => line.Level == LogLevel.Debug));
        // The first at once; a summary of the rest only if the test outlived the summary interval.
        var information = lines.Where(line => line.Level == LogLevel.Information).ToList();
        Assert.InRange(information.Count, 1, 2);
        Assert.Contains("unauthorized", information[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Akka_lines_reach_the_apps_logger_factory_under_their_source()
    {
        var logs = new CapturedLoggerProvider();
        await using (var host = await StartAsync(logs))
        {
            await using var stream = await host.ConnectAsync(Guid.NewGuid().ToString());
        }

        var categories = logs.All().Select(line => line.Category).ToHashSet();
        // Akka.NET's cluster logs under the name "Cluster", remoting under "remoting", its actors under their classes; none under a marker class.
        Assert.Contains(logs.From("Akka.Cluster"), line => line.Message.Contains("Started up successfully", StringComparison.Ordinal));
        Assert.Contains("Akka.remoting", categories);
        Assert.Contains(categories, category => category.StartsWith("Akka.Cluster.", StringComparison.Ordinal));
        Assert.DoesNotContain(typeof(DummyClassForStringSources).FullName!, categories);
        Assert.DoesNotContain("Akka.Actor.ActorSystem", categories);
    }

    [Fact]
    public async Task The_hosts_Serilog_renders_Akka_lines_with_their_arguments_in_place()
    {
        var logs = new CapturedLogs();
        await using (await BrokerHost.StartAsync(new Dictionary<string, string> { ["Serilog:MinimumLevel:Override:Akka"] = "Information" },
            logging: logger => logger.WriteTo.Sink(logs)))
        {
        }

        // Akka.NET's positional template: "Node [{0}] is JOINING itself (with roles [{1}], version [{2}]) ...".
        Assert.Contains(logs.Lines(), line => line.Contains("is JOINING itself (with roles [sse-shards-100]", StringComparison.Ordinal));
    }

    [Fact]
    public void A_line_is_named_by_its_class_or_else_by_the_name_it_was_logged_under()
    {
        Assert.Equal("Akka.Cluster", AkkaLogForwarder.CategoryOf(new Info("Cluster (akka://sse)", typeof(DummyClassForStringSources), "Started up")));
        Assert.Equal("Akka.remoting-terminator", AkkaLogForwarder.CategoryOf(new Info("remoting-terminator", typeof(DummyClassForStringSources), "Shutting down")));
        Assert.Equal("MyApp.Orders", AkkaLogForwarder.CategoryOf(new Info("MyApp.Orders", typeof(DummyClassForStringSources), "Shipped")));
        Assert.Equal("Sse.Actors.Clients.ClientActor",
            AkkaLogForwarder.CategoryOf(new Info("akka://sse/user/sse-broker/client-1", typeof(Sse.Actors.Clients.ClientActor), "Client closing")));
    }

    [Fact]
    public void Akka_filters_at_the_most_detailed_level_the_app_enables_for_Akka_or_the_broker()
    {
        static Akka.Event.LogLevel LevelWith(params LoggerFilterRule[] rules)
        {
            var filters = new LoggerFilterOptions { MinLevel = LogLevel.Warning };
            foreach (var rule in rules)
            {
                filters.Rules.Add(rule);
            }
            using var factory = new LoggerFactory([new CapturedLoggerProvider()], filters);
            return AkkaLogForwarder.LevelFor(factory);
        }

        Assert.Equal(Akka.Event.LogLevel.WarningLevel, LevelWith());
        Assert.Equal(Akka.Event.LogLevel.DebugLevel, LevelWith(new LoggerFilterRule(null, "Akka", LogLevel.Debug, null)));
        Assert.Equal(Akka.Event.LogLevel.InfoLevel, LevelWith(new LoggerFilterRule(null, "Sse.Actors", LogLevel.Information, null)));
    }

    // The host's own logger factory, not Serilog's static logger, which every host of the test run shares.
    private static Task<BrokerHost> StartAsync(CapturedLoggerProvider logs) =>
        BrokerHost.StartAsync(configure: builder => builder.Services.AddSingleton<ILoggerFactory>(new LoggerFactory([logs], new LoggerFilterOptions { MinLevel = LogLevel.Debug })));
}
