namespace Sse.Tests.Http;

/// <summary>A reconnect that missed many more events than a connection's buffer holds gets them all, paced by its socket.</summary>
[Trait("Category", TestCategories.Http)]
public sealed class OversizedReplayTests
{
    [Fact]
    public async Task A_browser_that_missed_400_events_with_a_buffer_of_16_gets_all_of_them_and_is_never_a_slow_consumer()
    {
        await using var host = await BrokerHost.StartAsync(new Dictionary<string, string>
        {
            ["Sse:HistorySize"] = "1000",
            ["Sse:ClientBufferSize"] = "16",
        });
        var userId = Guid.NewGuid().ToString();
        string lastId;
        await using (var first = await host.ConnectAsync(userId))
        {
            lastId = first.WelcomeId!;
        }
        // Gone before the sends: a closing connection that still got them would be the slow consumer.
        await host.AwaitStatsAsync(stats => stats.GetProperty("total_clients").GetInt32() == 0);
        for (var i = 1; i <= 400; i++)
        {
            await host.Broker.SendToUserAsync(userId, "update", $"missed {i}");
        }

        await using var again = await SseStream.OpenAsync(host.Client, BrokerHost.StreamPath(userId), lastId);
        await again.WelcomeAsync();
        var received = new List<string>();
        while (received.Count < 400)
        {
            received.Add((await again.NextEventAsync()).Data);
        }

        Assert.Equal(Enumerable.Range(1, 400).Select(i => $"missed {i}"), received);
        Assert.Equal(0, (await host.StatsAsync()).GetProperty("slow_consumer_disconnects").GetInt64());
    }
}
