using System.Net;
using Sse.Tests.Http;

namespace Sse.Tests.Diagnostics;

[Trait("Category", TestCategories.Http)]
public sealed class MetricsEndpointTests
{
    [Fact]
    public async Task Scrape_is_Prometheus_text_with_the_seed_names_and_their_types()
    {
        await using var host = await BrokerHost.StartAsync();

        var scrape = await host.ScrapeAfterOneDeliveryAsync();
        using var response = await host.Client.GetAsync("/metrics");

        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("gauge", scrape.Types["sse_active_connections"]);
        Assert.Equal("counter", scrape.Types["sse_client_connect_total"]);
        Assert.Equal("counter", scrape.Types["sse_messages_published_total"]);
        Assert.Equal("counter", scrape.Types["sse_messages_sent_total"]);
        Assert.Equal("histogram", scrape.Types["sse_delivery_latency_seconds"]);
    }

    [Fact]
    public async Task Every_measurement_names_its_node_by_the_cluster_address()
    {
        await using var host = await BrokerHost.StartAsync();
        await using var stream = await host.ConnectAsync(Guid.NewGuid().ToString());

        // Other hosts of this test run share the process and the meter's name; their measurements stay out.
        var scrape = await host.AwaitMetricsAsync(m => m.Value("sse_client_connect_total", host.Node()) == 1);

        Assert.All(scrape.Samples.Where(s => s.Name.StartsWith("sse_", StringComparison.Ordinal)), s => Assert.Equal(host.Node(), s.Label("node")));
        Assert.StartsWith("akka.tcp://sse@127.0.0.1:", host.Node());
    }

    [Fact]
    public async Task The_stream_entities_a_node_runs_are_a_gauge_by_kind()
    {
        await using var host = await BrokerHost.StartAsync(new Dictionary<string, string> { ["Sse:HistorySize"] = "10" });
        await using var first = await host.ConnectAsync(Guid.NewGuid().ToString(), "news");
        await using var second = await host.ConnectAsync(Guid.NewGuid().ToString(), "news,sport");

        // Two users, two topics, and with history on the broadcasts' entity.
        var scrape = await host.AwaitMetricsAsync(m => m.Value("sse_stream_entities", host.Node(), ("kind", "user")) == 2
            && m.Value("sse_stream_entities", host.Node(), ("kind", "topic")) == 2
            && m.Value("sse_stream_entities", host.Node(), ("kind", "broadcast")) == 1);

        Assert.Equal("gauge", scrape.Types["sse_stream_entities"]);
    }

    [Fact]
    public async Task Online_users_and_active_topics_are_gauges_of_the_streams_with_subscribers()
    {
        await using var host = await BrokerHost.StartAsync();
        var alice = Guid.NewGuid().ToString();
        await using var aliceTab1 = await host.ConnectAsync(alice, "news");
        var aliceTab2 = await host.ConnectAsync(alice, "news,sport");
        await using var bob = await host.ConnectAsync(Guid.NewGuid().ToString());

        await host.AwaitMetricsAsync(m => m.Value("sse_online_users", host.Node()) == 2 && m.Value("sse_active_topics", host.Node()) == 2);
        await aliceTab2.DisposeAsync();

        var scrape = await host.AwaitMetricsAsync(m => m.Value("sse_online_users", host.Node()) == 2 && m.Value("sse_active_topics", host.Node()) == 1);
        Assert.Equal(("gauge", "gauge"), (scrape.Types["sse_online_users"], scrape.Types["sse_active_topics"]));
    }

    [Fact]
    public async Task With_Metrics_Hosts_the_scrape_answers_only_on_those_hosts()
    {
        await using var host = await BrokerHost.StartAsync(new Dictionary<string, string> { ["Sse:Metrics:Hosts:0"] = "metrics.internal" });

        using var elsewhere = await host.Client.GetAsync("/metrics");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Host = "metrics.internal";
        using var onItsHost = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, elsewhere.StatusCode);
        Assert.Equal(HttpStatusCode.OK, onItsHost.StatusCode);
    }
}
