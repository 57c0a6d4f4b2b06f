using System.Net;
using Sse.Tests.Http;

namespace Sse.Tests.Diagnostics;

/// <summary>The connection metrics as a Prometheus server scrapes them from the shipped host.</summary>
[Trait("Category", TestCategories.Http)]
public sealed class ConnectionMetricsTests
{
    [Fact]
    public async Task A_stream_is_an_active_connection_from_its_connect_to_its_disconnect()
    {
        await using var host = await BrokerHost.StartAsync();
        var node = host.Node();

        var stream = await host.ConnectAsync(Guid.NewGuid().ToString());
        await host.AwaitMetricsAsync(m =>
            m.Value("sse_active_connections", node) == 1 && m.Value("sse_client_connect_total", node) == 1);
        await stream.DisposeAsync();

        var scrape = await host.AwaitMetricsAsync(m =>
            m.Value("sse_active_connections", node) == 0 && m.Value("sse_client_disconnect_total", node) == 1);
        Assert.Equal(1, scrape.Value("sse_client_connect_total", node));
    }

    [Fact]
    public async Task Refused_streams_are_counted_by_reason()
    {
        await using var host = await BrokerHost.StartAsync(new Dictionary<string, string>
        {
            ["Sse:Auth:AllowedTopics:0"] = "news",
            ["Sse:MaxConnections"] = "1",
            // Five attempts reach the endpoint below; the sixth is over the limit.
            ["Sse:Limits:ConnectionAttemptsPerMinutePerIp"] = "5",
        });
        var node = host.Node();

        await AssertRefusedAsync(host, "/api/v1/sse/stream", HttpStatusCode.Unauthorized);
        await AssertRefusedAsync(host, BrokerHost.StreamPath(Guid.NewGuid().ToString(), new string('t', 200)), HttpStatusCode.BadRequest);
        await AssertRefusedAsync(host, BrokerHost.StreamPath(Guid.NewGuid().ToString(), "secret"), HttpStatusCode.Forbidden);
        await using var holder = await host.ConnectAsync(Guid.NewGuid().ToString());
        await AssertRefusedAsync(host, BrokerHost.StreamPath(Guid.NewGuid().ToString()), HttpStatusCode.ServiceUnavailable);
        await AssertRefusedAsync(host, BrokerHost.StreamPath(Guid.NewGuid().ToString()), HttpStatusCode.TooManyRequests);

        await host.AwaitMetricsAsync(m => new[] { "unauthorized", "invalid_topics", "forbidden", "node_full", "rate_limited" }
            .All(reason => m.Value("sse_client_refused_total", node, ("reason", reason)) == 1));
    }

    [Fact]
    public async Task A_slow_consumer_counts_as_a_slow_consumer_disconnect_with_its_events_dropped()
    {
        await using var host = await BrokerHost.StartAsync(new Dictionary<string, string> { ["Sse:ClientBufferSize"] = "16" });
        var node = host.Node();
        using var stalled = await StalledClient.ConnectAsync(host.Address, BrokerHost.StreamPath(Guid.NewGuid().ToString()));
        var bigData = new string('x', 32 * 1024);

        // Nobody reads: the stalled client's socket, then its buffer fill up.
        var deadline = DateTime.UtcNow + BrokerHost.FactTimeout;
        while ((await host.ScrapeAsync()).Value("sse_slow_consumer_disconnects_total", node) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the stalled client was never disconnected");
            for (var burst = 0; burst < 50; burst++)
            {
                await host.Broker.BroadcastAsync("bulk", bigData);
            }
        }

        var scrape = await host.AwaitMetricsAsync(m =>
            m.Value("sse_active_connections", node) == 0 && m.Value("sse_client_disconnect_total", node) == 1);
        Assert.Equal(1, scrape.Value("sse_slow_consumer_disconnects_total", node));
        Assert.True(scrape.Value("sse_messages_dropped_total", node) >= 1, "an event that found the buffer full is dropped");
    }

    private static async Task AssertRefusedAsync(BrokerHost host, string path, HttpStatusCode expected)
    {
        using var response = await host.Client.GetAsync(path);
        Assert.Equal(expected, response.StatusCode);
    }
}
