namespace Sse.Tests.Http;

/// <summary>The welcome's <c>retry:</c>, as a browser reads it: each stream its own, within the configured range.</summary>
[Trait("Category", TestCategories.Http)]
public sealed class ReconnectDelayTests
{
    [Fact]
    public async Task Each_stream_gets_its_own_retry_spread_over_the_range()
    {
        await using var host = await BrokerHost.StartAsync(new Dictionary<string, string>
        {
            ["Sse:ReconnectDelay"] = "00:00:01",
            ["Sse:ReconnectDelayMax"] = "00:00:03",
        });

        var retries = new List<TimeSpan>();
        for (var i = 0; i < 30; i++)
        {
            await using var stream = await SseStream.OpenAsync(host.Client, BrokerHost.StreamPath(Guid.NewGuid().ToString()));
            var welcome = await stream.NextEventAsync();
            retries.Add(welcome.ReconnectionInterval ?? throw new InvalidOperationException("the welcome has no retry:"));
        }

        Assert.All(retries, retry => Assert.InRange(retry, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)));
        // Thirty streams of a node that stops come back over two seconds, not in one instant.
        Assert.True(retries.Distinct().Count() >= 25, $"retries repeat: {string.Join(", ", retries.Select(r => r.TotalMilliseconds))}");
        Assert.Contains(retries, retry => retry < TimeSpan.FromSeconds(2));
        Assert.Contains(retries, retry => retry >= TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task With_ReconnectDelayMax_equal_to_ReconnectDelay_every_stream_gets_that_retry()
    {
        await using var host = await BrokerHost.StartAsync(new Dictionary<string, string>
        {
            ["Sse:ReconnectDelay"] = "00:00:03",
            ["Sse:ReconnectDelayMax"] = "00:00:03",
        });

        for (var i = 0; i < 3; i++)
        {
            await using var stream = await SseStream.OpenAsync(host.Client, BrokerHost.StreamPath(Guid.NewGuid().ToString()));
            var welcome = await stream.NextEventAsync();
            Assert.Equal(TimeSpan.FromMilliseconds(3000), welcome.ReconnectionInterval);
        }
    }
}
