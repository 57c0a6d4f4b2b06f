using System.Text.Json;
using Xunit;

namespace Sse.Tests.Http;

[Trait("Category", TestCategories.Http)]
public sealed class SlowConsumerTests
{
    private static readonly string BigData = new('x', 32 * 1024);

    [Fact]
    public async Task A_client_that_stops_reading_is_disconnected_while_a_healthy_one_receives_every_event()
    {
        await using var host = await BrokerHost.StartAsync(new Dictionary<string, string> { ["Sse:ClientBufferSize"] = "16" });
        await using var healthy = await host.ConnectAsync(Guid.NewGuid().ToString());
        using var stalled = await StalledClient.ConnectAsync(host.Address, BrokerHost.StreamPath(Guid.NewGuid().ToString()));

        var sent = await SendUntilAsync(host, healthy, stats => stats.GetProperty("slow_consumer_disconnects").GetInt64() == 1);

        await host.AwaitStatsAsync(stats => stats.GetProperty("total_clients").GetInt32() == 1);
        // The healthy stream got every event, in order, and stays live.
        await host.Broker.BroadcastAsync("after", "still here");
        Assert.Equal("still here", (await healthy.NextEventAsync()).Data);
        Assert.True(sent > 0);
    }

    [Fact]
    public async Task A_connection_whose_writes_make_no_progress_for_ClientTimeout_is_closed()
    {
        await using var host = await BrokerHost.StartAsync(new Dictionary<string, string>
        {
            // A buffer too large to fill here: only the write timeout can end the stalled stream.
            ["Sse:ClientBufferSize"] = "100000",
            ["Sse:HeartbeatInterval"] = "00:00:00.500",
            ["Sse:ClientTimeout"] = "00:00:01",
        });
        await using var healthy = await host.ConnectAsync(Guid.NewGuid().ToString());
        using var stalled = await StalledClient.ConnectAsync(host.Address, BrokerHost.StreamPath(Guid.NewGuid().ToString()));

        await SendUntilAsync(host, healthy, stats => stats.GetProperty("total_clients").GetInt32() == 1);

        var stats = await host.StatsAsync();
        Assert.Equal(0, stats.GetProperty("slow_consumer_disconnects").GetInt64());
    }

    [Fact]
    public async Task A_quiet_healthy_connection_outlives_ClientTimeout()
    {
        await using var host = await BrokerHost.StartAsync(new Dictionary<string, string>
        {
            ["Sse:HeartbeatInterval"] = "00:00:00.250",
            ["Sse:ClientTimeout"] = "00:00:00.500",
        });
        var userId = Guid.NewGuid().ToString();
        await using var quiet = await host.ConnectAsync(userId);

        // Eight heartbeats span four ClientTimeouts without a single event.
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal("heartbeat", (await quiet.NextAsync()).EventType);
        }
        await host.Broker.SendToUserAsync(userId, "notification", "still open");
        Assert.Equal("still open", (await quiet.NextEventAsync()).Data);
    }

    /// <summary>Broadcasts big events, each read by the healthy stream before the next, until the stats say so.</summary>
    private static async Task<int> SendUntilAsync(BrokerHost host, SseStream healthy, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow + BrokerHost.FactTimeout;
        // Bounded by time first: a fast machine sends 5,000 events before the stalled socket's buffers even fill.
        for (var i = 0; i < 100_000 && DateTime.UtcNow < deadline; i++)
        {
            if (i % 10 == 0 && done(await host.StatsAsync()))
            {
                return i;
            }
            var data = $"{i}:{BigData}";
            await host.Broker.BroadcastAsync("bulk", data);
            Assert.Equal(data, (await healthy.NextEventAsync()).Data);
        }
        Assert.Fail("the stalled client was never disconnected");
        return -1;
    }
}
