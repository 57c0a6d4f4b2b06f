using Sse.Actors.Diagnostics;
using Sse.Actors.Streams;
using Sse.Tests.Docs;
using Sse.Tests.Http;

namespace Sse.Tests.Diagnostics;

/// <summary>A fresh node's scrape already has every series, at 0: dashboards and alerts read 0, not "no data".</summary>
[Trait("Category", TestCategories.Http)]
public sealed class MetricsAtStartTests
{
    // The label values each labelled series starts with, besides node.
    private static readonly Dictionary<string, (string Label, string[] Values)> Labelled = new()
    {
        ["sse_client_refused_total"] = ("reason", SseMetrics.StreamRefusals.All),
        ["sse_send_errors_total"] = ("reason", SseMetrics.SendErrors.All),
        ["sse_messages_published_total"] = ("target", SseMetrics.Targets.All),
        ["sse_events_shed_total"] = ("at", SseMetrics.ShedAt.All),
        ["sse_resubscribes_total"] = ("reason", SseMetrics.ResubscribeReasons.All),
        ["sse_stream_entities"] = ("kind", [StreamKey.User.KindName, StreamKey.Topic.KindName, StreamKey.Broadcasts.KindName]),
    };

    [Fact]
    public async Task A_fresh_node_exports_every_counter_and_gauge_of_the_metrics_page_at_zero_with_each_label_value()
    {
        await using var host = await BrokerHost.StartAsync();
        var node = host.Node();
        var expected = DocumentedMetrics().Where(metric => metric.Type != "histogram")
            .SelectMany(metric => Labelled.TryGetValue(metric.Name, out var label)
                ? label.Values.Select(value => (metric.Name, Label: ((string, string)?)(label.Label, value)))
                : [(metric.Name, Label: null)])
            .ToList();

        var scrape = await host.AwaitMetricsAsync(m => expected.All(series => Zero(m, node, series.Name, series.Label)));

        Assert.Contains(expected, series => series.Name == "sse_messages_dropped_total");
        Assert.Contains(expected, series => series.Name == "sse_client_disconnect_total");
        Assert.All(expected, series => Assert.True(Zero(scrape, node, series.Name, series.Label), $"{series.Name} {series.Label}"));
    }

    [Fact]
    public void Every_label_value_the_broker_counts_is_named_in_its_row_of_the_metrics_page()
    {
        var rows = RepositoryFiles.Read("docs/metrics.md").Split('\n').Where(line => line.StartsWith("| `sse_", StringComparison.Ordinal)).ToList();

        Assert.All(Labelled, metric =>
        {
            var row = Assert.Single(rows, line => line.StartsWith($"| `{metric.Key}`", StringComparison.Ordinal));
            Assert.All(metric.Value.Values, value => Assert.Contains(value, row, StringComparison.Ordinal));
        });
    }

    private static bool Zero(MetricsScrape scrape, string node, string name, (string Key, string Value)? label) =>
        scrape.Samples.Any(s => s.Name == name && s.Label("node") == node && (label is not { } l || s.Label(l.Key) == l.Value) && s.Value == 0);

    /// <summary>The metrics table of docs/metrics.md: <c>| `name` | type | labels | meaning |</c>.</summary>
    internal static IReadOnlyList<(string Name, string Type)> DocumentedMetrics() =>
        RepositoryFiles.Read("docs/metrics.md").Split('\n')
            .Where(line => line.StartsWith("| `sse_", StringComparison.Ordinal))
            .Select(line => line.Trim('|').Split('|').Select(cell => cell.Trim()).ToArray())
            .Select(cells => (cells[0].Trim('`'), cells[1]))
            .ToList();
}
