using System.Net;
using System.Net.Http.Json;
using System.Text;
using Sse.Tests.Http;

namespace Sse.Tests.Diagnostics;

/// <summary>The publish and delivery metrics as a Prometheus server scrapes them from the shipped host.</summary>
[Trait("Category", TestCategories.Http)]
public sealed class SendMetricsTests
{
    [Fact]
    public async Task An_event_flushed_to_a_stream_counts_as_sent_with_its_delivery_latency()
    {
        await using var host = await BrokerHost.StartAsync();
        var node = host.Node();
        var userId = Guid.NewGuid().ToString();
        await using var stream = await host.ConnectAsync(userId);

        for (var i = 0; i < 3; i++)
        {
            using var sent = await host.SendAsync(new { target_type = "user", user_id = userId, @event = "update", data = $"event {i}" });
            Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
            Assert.Equal($"event {i}", (await stream.NextEventAsync()).Data);
        }

        var scrape = await host.AwaitMetricsAsync(m =>
            m.Value("sse_messages_sent_total", node) == 3 && m.Value("sse_delivery_latency_seconds_count", node) == 3);
        Assert.Equal(3, scrape.Value("sse_delivery_latency_seconds_bucket", node, ("le", "+Inf")));
        Assert.InRange(scrape.Value("sse_delivery_latency_seconds_sum", node), double.Epsilon, 3 * BrokerHost.FactTimeout.TotalSeconds);
        Assert.Equal(0, scrape.Value("sse_messages_dropped_total", node));
    }

    [Fact]
    public async Task Published_events_are_counted_by_target_whether_or_not_anyone_listens()
    {
        await using var host = await BrokerHost.StartAsync();
        var node = host.Node();

        await host.Broker.SendToUserAsync(Guid.NewGuid().ToString(), "update", "nobody home");
        await host.Broker.SendToTopicAsync("news", "update", "one");
        await host.Broker.SendToTopicAsync("news", "update", "two");
        using var broadcast = await host.SendAsync(new { target_type = "broadcast", data = "everyone" });

        await host.AwaitMetricsAsync(m =>
            m.Value("sse_messages_published_total", node, ("target", "user")) == 1
            && m.Value("sse_messages_published_total", node, ("target", "topic")) == 2
            && m.Value("sse_messages_published_total", node, ("target", "broadcast")) == 1);
    }

    [Fact]
    public async Task Refused_sends_are_counted_by_reason()
    {
        await using var host = await BrokerHost.StartAsync(new Dictionary<string, string>
        {
            ["Sse:Publish:ApiKeys:0"] = "right-key",
            ["Sse:EnableTopics"] = "false",
            ["Sse:Limits:MaxSendBodyBytes"] = "300",
        });
        var node = host.Node();

        await AssertRefusedAsync(host, key: null, """{"target_type":"broadcast","data":"x"}""", HttpStatusCode.Unauthorized);
        await AssertRefusedAsync(host, "wrong-key", """{"target_type":"broadcast","data":"x"}""", HttpStatusCode.Forbidden);
        await AssertRefusedAsync(host, "right-key", """{"target_type":""", HttpStatusCode.BadRequest);
        await AssertRefusedAsync(host, "right-key", """{"target_type":"nobody"}""", HttpStatusCode.BadRequest);
        await AssertRefusedAsync(host, "right-key", """{"target_type":"topic","topic":"news"}""", HttpStatusCode.BadRequest);
        await AssertRefusedAsync(host, "right-key", $$"""{"target_type":"broadcast","data":"{{new string('x', 400)}}"}""", HttpStatusCode.RequestEntityTooLarge);
        // Reading stats without a key is refused too, but it is not a send.
        using var stats = await host.Client.GetAsync("/api/v1/sse/stats");
        Assert.Equal(HttpStatusCode.Unauthorized, stats.StatusCode);

        var scrape = await host.AwaitMetricsAsync(m => new[] { "unauthorized", "forbidden", "invalid_json", "validation", "topics_disabled", "too_large" }
            .All(reason => m.Value("sse_send_errors_total", node, ("reason", reason)) == 1));
        Assert.Equal(6, scrape.Value("sse_send_errors_total", node));
    }

    private static async Task AssertRefusedAsync(BrokerHost host, string? key, string body, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/sse/send") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }
        using var response = await host.Client.SendAsync(request);
        Assert.Equal(expected, response.StatusCode);
    }
}
