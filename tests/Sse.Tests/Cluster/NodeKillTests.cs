using System.Diagnostics;
using Sse.Tests.Http;
using Xunit.Abstractions;

namespace Sse.Tests.Cluster;

/// <summary>
/// Three real host processes; one is killed with SIGKILL. The split-brain resolver downs it, its
/// shards come back on the survivors, their connections keep receiving, and the stats stop
/// counting the dead node. Timings are shortened through the documented settings.
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", TestCategories.Chaos)]
public sealed class NodeKillTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("shipped", null, null)]
    [InlineData("fast", "00:00:02", "00:00:02")]
    public async Task Killing_a_node_costs_only_its_connections_and_the_survivors_keep_delivering(
        string timings, string? failureDetectionPause, string? downUnreachableAfter)
    {
        // Production, as shipped; the demo authenticator and open publishing are allowed explicitly.
        var settings = new Dictionary<string, string>
        {
            ["Serilog:MinimumLevel:Default"] = "Warning",
            ["Sse:Auth:AllowQueryString"] = "true",
            ["Sse:Publish:AllowAnonymous"] = "true",
            ["Sse:Auth:AllowedTopics:0"] = "kill-*",
        };
        if (failureDetectionPause is not null && downUnreachableAfter is not null)
        {
            settings["Sse:Cluster:FailureDetectionPause"] = failureDetectionPause;
            settings["Sse:Cluster:DownUnreachableAfter"] = downUnreachableAfter;
        }
        var nodes = (await HostProcess.StartThreeAsync(settings)).ToArray();
        var (a, b, victim) = (nodes[0], nodes[1], nodes[2]);
        var streams = new List<(SseStream Stream, string Key)>();
        try
        {
            await HostProcess.AwaitAsync(async () => await AllReadyAsync(nodes) && (await a.StatsAsync()).GetProperty("nodes").GetArrayLength() == 3,
                TimeSpan.FromSeconds(60), "three nodes ready", nodes);

            var users = Enumerable.Range(0, 10).Select(_ => Guid.NewGuid().ToString()).ToArray();
            var topics = Enumerable.Range(0, 5).Select(i => $"kill-{i}-{Guid.NewGuid():N}").ToArray();
            foreach (var node in new[] { a, b })
            {
                foreach (var user in users)
                {
                    streams.Add((await node.ConnectAsync(user), $"user {user} on {node.HttpPort}"));
                }
                foreach (var topic in topics)
                {
                    streams.Add((await node.ConnectAsync(Guid.NewGuid().ToString(), topic), $"topic {topic} on {node.HttpPort}"));
                }
            }
            await using var onVictim = await victim.ConnectAsync(users[0]);

            // Before: sending through every node, including the one about to die, reaches everyone.
            foreach (var sender in nodes)
            {
                await SendToAllAsync(sender, users, topics, "before", sender.HttpPort.ToString());
            }
            await AssertEveryStreamGetsAsync(streams, "before", nodes.Select(n => n.HttpPort.ToString()).ToArray());

            var clock = Stopwatch.StartNew();
            victim.Kill();

            await HostProcess.AwaitAsync(async () =>
            {
                var stats = await a.StatsAsync();
                return stats.GetProperty("nodes").GetArrayLength() == 2 && stats.GetProperty("nodes_not_answering").GetArrayLength() == 0;
            }, TimeSpan.FromSeconds(60), "stats without the dead node", nodes);
            var removedAfter = clock.Elapsed;

            await SettleAsync(streams, a, users, topics);
            var recoveredAfter = clock.Elapsed;
            output.WriteLine($"{timings} timings: dead node out of the stats after {removedAfter.TotalSeconds:F1} s; every survivor stream receiving again after {recoveredAfter.TotalSeconds:F1} s");

            foreach (var sender in new[] { a, b })
            {
                for (var i = 0; i < 5; i++)
                {
                    await SendToAllAsync(sender, users, topics, "after", $"{sender.HttpPort}-{i}");
                }
            }
            await AssertEveryStreamGetsAsync(streams, "after",
                [.. new[] { a, b }.SelectMany(n => Enumerable.Range(0, 5).Select(i => $"{n.HttpPort}-{i}"))]);
            var stats = await b.StatsAsync();
            Assert.Equal(streams.Count, stats.GetProperty("total_clients").GetInt32());
        }
        finally
        {
            foreach (var (stream, _) in streams)
            {
                await stream.DisposeAsync();
            }
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    private static async Task SendToAllAsync(HostProcess sender, string[] users, string[] topics, string eventName, string data)
    {
        foreach (var user in users)
        {
            await sender.SendAsync(new { target_type = "user", user_id = user, @event = eventName, data });
        }
        foreach (var topic in topics)
        {
            await sender.SendAsync(new { target_type = "topic", topic, @event = eventName, data });
        }
    }

    /// <summary>Each stream gets exactly the expected data of this event name; paths through different nodes may interleave.</summary>
    private static async Task AssertEveryStreamGetsAsync(List<(SseStream Stream, string Key)> streams, string eventName, string[] expected)
    {
        foreach (var (stream, key) in streams)
        {
            var received = new List<string>();
            while (received.Count < expected.Length)
            {
                var item = await stream.NextEventAsync();
                if (item.EventType == eventName)
                {
                    received.Add(item.Data);
                }
            }
            Assert.True(expected.Order().SequenceEqual(received.Order()), $"{key} received {string.Join(",", received)}");
        }
    }

    /// <summary>Recovered once a marker sent now reaches every surviving stream.</summary>
    private static async Task SettleAsync(List<(SseStream Stream, string Key)> streams, HostProcess sender, string[] users, string[] topics)
    {
        var pending = streams.ToList();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        for (var round = 0; pending.Count > 0; round++)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{pending.Count} streams never heard a marker, e.g. {pending[0].Key}");
            var marker = $"settle-{round}";
            // While the dead node's shards move, a send is refused (503) rather than lost: the next round retries.
            foreach (var user in users)
            {
                await sender.TrySendAsync(new { target_type = "user", user_id = user, @event = "settle", data = marker });
            }
            foreach (var topic in topics)
            {
                await sender.TrySendAsync(new { target_type = "topic", topic, @event = "settle", data = marker });
            }
            var heard = await Task.WhenAll(pending.Select(entry => HeardAsync(entry.Stream, marker)));
            pending = [.. pending.Where((_, i) => !heard[i])];
        }
    }

    private static async Task<bool> HeardAsync(SseStream stream, string marker)
    {
        try
        {
            while ((await stream.NextEventAsync(TimeSpan.FromMilliseconds(300))) is var item && !(item.EventType == "settle" && item.Data == marker))
            {
            }
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private static async Task<bool> AllReadyAsync(HostProcess[] nodes)
    {
        foreach (var node in nodes)
        {
            if (!await node.IsReadyAsync())
            {
                return false;
            }
        }
        return true;
    }
}
