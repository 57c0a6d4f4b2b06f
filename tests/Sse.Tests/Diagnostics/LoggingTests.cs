using System.Collections.Concurrent;
using Akka.Event;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serilog.Core;
using Serilog.Events;
using LogEvent = Serilog.Events.LogEvent;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;
using Sse.Actors.Diagnostics;
using Sse.Tests.Http;

namespace Sse.Tests.Diagnostics;

/// <summary>What a node logs at which level: no line per stream or per refusal at Information, and Akka.NET lines named by their source.</summary>
public sealed class LoggingTests
{
    private const string StreamEndpoint = "Sse.Actors.Http.StreamEndpoint";

    [Fact]
    public async Task Streams_opened_and_ended_are_Debug_lines()
    {
        var logs = new CapturedLogs();
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
        var logs = new CapturedLogs();
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
    public void Akka_lines_logged_under_a_name_carry_that_name_as_their_source()
    {
        var logs = new CapturedEvents();
        using var logger = new Serilog.LoggerConfiguration().Enrich.With<AkkaSourceContextEnricher>().WriteTo.Sink(logs).CreateLogger();

        // What Akka.Logger.Serilog does with a line of Logging.GetLogger(system, "Cluster"): the class, then the source.
        AkkaLine(logger, typeof(DummyClassForStringSources), "Cluster").Information("Cluster Node [{0}] - Started up successfully", "akka.tcp://sse@127.0.0.1:4053");
        AkkaLine(logger, typeof(Sse.Actors.Clients.ClientActor), "akka://sse/user/sse-broker/client-1").Information("Client closing");

        Assert.Equal(["Cluster", "Sse.Actors.Clients.ClientActor"], logs.All().Select(e => Source(e)));
    }

    [Fact]
    public void Level_overrides_for_Akka_still_apply_to_lines_logged_under_a_name()
    {
        var logs = new CapturedEvents();
        using var logger = new Serilog.LoggerConfiguration().MinimumLevel.Override("Akka", LogEventLevel.Warning)
            .Enrich.With<AkkaSourceContextEnricher>().WriteTo.Sink(logs).CreateLogger();

        AkkaLine(logger, typeof(DummyClassForStringSources), "Cluster").Information("dropped by the Akka override");
        AkkaLine(logger, typeof(DummyClassForStringSources), "Cluster").Warning("kept");

        var kept = Assert.Single(logs.All());
        Assert.Equal("Cluster", Source(kept));
    }

    private static Serilog.ILogger AkkaLine(Serilog.ILogger logger, Type logClass, string logSource) =>
        logger.ForContext(Constants.SourceContextPropertyName, logClass.FullName).ForContext("LogSource", logSource);

    private static string? Source(LogEvent e) => (e.Properties.GetValueOrDefault(Constants.SourceContextPropertyName) as ScalarValue)?.Value as string;

    // The host's own logger factory, not Serilog's static logger, which every host of the test run shares.
    private static Task<BrokerHost> StartAsync(CapturedLogs logs) =>
        BrokerHost.StartAsync(configure: builder => builder.Services.AddSingleton<ILoggerFactory>(new LoggerFactory([logs], new LoggerFilterOptions { MinLevel = LogLevel.Debug })));

    private sealed record Line(string Category, LogLevel Level, string Message);

    /// <summary>What the host logs through Microsoft.Extensions.Logging.</summary>
    private sealed class CapturedLogs : ILoggerProvider
    {
        private readonly ConcurrentQueue<Line> _lines = new();

        public IReadOnlyList<Line> From(string category) => [.. _lines.Where(line => line.Category == category)];

        public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, _lines);

        public void Dispose()
        {
        }

        private sealed class CapturingLogger(string category, ConcurrentQueue<Line> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue(new Line(category, logLevel, formatter(state, exception)));
        }
    }

    /// <summary>What a Serilog logger writes.</summary>
    private sealed class CapturedEvents : ILogEventSink
    {
        private readonly ConcurrentQueue<LogEvent> _events = new();

        public void Emit(LogEvent logEvent) => _events.Enqueue(logEvent);

        public IReadOnlyList<LogEvent> All() => [.. _events];
    }
}
