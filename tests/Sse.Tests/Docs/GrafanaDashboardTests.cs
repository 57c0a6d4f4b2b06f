using System.Text.Json;
using System.Text.RegularExpressions;
using Sse.Tests.Diagnostics;
using Sse.Tests.Http;

namespace Sse.Tests.Docs;

/// <summary>docs/grafana-dashboard.json queries only what <c>/metrics</c> exports, so none of its panels says "no data" for a typo.</summary>
[Trait("Category", TestCategories.Http)]
public sealed partial class GrafanaDashboardTests
{
    private const string Dashboard = "docs/grafana-dashboard.json";

    [Fact]
    public async Task Every_metric_the_dashboard_queries_is_one_metrics_exports()
    {
        await using var host = await BrokerHost.StartAsync();
        var scrape = await host.ScrapeAfterOneDeliveryAsync();
        var exported = scrape.Samples.Where(s => s.Label("node") == host.Node()).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);

        var queried = Queries().SelectMany(query => MetricName().Matches(query).Select(match => match.Value)).Distinct().ToList();

        Assert.NotEmpty(queried);
        Assert.All(queried, metric => Assert.Contains(metric, exported));
    }

    [Fact]
    public void The_dashboard_charts_every_metric_of_the_metrics_page()
    {
        var queried = Queries().SelectMany(query => MetricName().Matches(query).Select(match => match.Value)).ToHashSet(StringComparer.Ordinal);

        Assert.All(MetricsAtStartTests.DocumentedMetrics(), metric =>
            Assert.Contains(queried, name => name == metric.Name || name.StartsWith(metric.Name + "_", StringComparison.Ordinal)));
    }

    [Fact]
    public void Every_panel_has_a_title_and_every_query_a_Prometheus_data_source()
    {
        using var dashboard = JsonDocument.Parse(RepositoryFiles.Read(Dashboard));
        var panels = dashboard.RootElement.GetProperty("panels").EnumerateArray().Where(panel => panel.GetProperty("type").GetString() != "row").ToList();

        Assert.NotEmpty(panels);
        Assert.All(panels, panel =>
        {
            Assert.False(string.IsNullOrWhiteSpace(panel.GetProperty("title").GetString()));
            Assert.All(panel.GetProperty("targets").EnumerateArray(), target =>
                Assert.Equal("prometheus", target.GetProperty("datasource").GetProperty("type").GetString()));
        });
    }

    /// <summary>Every PromQL expression in the dashboard: its panels' targets and its variables' queries.</summary>
    private static List<string> Queries()
    {
        using var dashboard = JsonDocument.Parse(RepositoryFiles.Read(Dashboard));
        var queries = new List<string>();
        Collect(dashboard.RootElement, queries);
        return queries;
    }

    private static void Collect(JsonElement element, List<string> queries)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name is "expr" or "definition" && property.Value.ValueKind == JsonValueKind.String)
                    {
                        queries.Add(property.Value.GetString()!);
                    }
                    Collect(property.Value, queries);
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Collect(item, queries);
                }
                break;
        }
    }

    [GeneratedRegex(@"\bsse_[a-z0-9_]+\b")]
    private static partial Regex MetricName();
}
