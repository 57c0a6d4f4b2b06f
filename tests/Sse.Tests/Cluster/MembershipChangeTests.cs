using Akka.Actor;
using Akka.Cluster.Sharding;
using Sse.Tests.Http;

namespace Sse.Tests.Cluster;

/// <summary>
/// Nodes leave and join while events keep flowing: once the change has settled, every connection
/// on the remaining nodes receives every event sent to it, in order, exactly once.
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", TestCategories.Cluster)]
public sealed class MembershipChangeTests
{
    private const int UsersCount = 12;
    private const int TopicsCount = 6;

    [Fact]
    public async Task A_node_leaving_gracefully_costs_only_its_own_connections()
    {
        var (a, seed) = await ClusterNodes.StartSeedAsync();
        var b = await ClusterNodes.StartMemberAsync(seed);
        var c = await ClusterNodes.StartMemberAsync(seed);
        await using var traffic = new Traffic();
        try
        {
            await ClusterNodes.AwaitMembersUpAsync(a, b, c);
            await traffic.ConnectAsync(a, b);
            var onLeavingNode = await c.ConnectAsync(Guid.NewGuid().ToString());
            traffic.StartBackgroundSending(a);

            await c.StopAsync();

            Assert.Equal("close", (await onLeavingNode.ReadToEndAsync()).Last(e => e.EventType != "heartbeat").EventType);
            await onLeavingNode.DisposeAsync();
            await ClusterNodes.AwaitMembersUpAsync(a, b);
            await traffic.AssertEveryConnectionReceivesEverythingAsync(a);
        }
        finally
        {
            await traffic.DisposeAsync();
            await b.DisposeAsync();
            await a.DisposeAsync();
            await c.DisposeAsync();
        }
    }

    /// <remarks>
    /// Sharding goes on moving shards to the new node for a while (10% a round): a check sent while a stream moves reaches
    /// its new entity before that stream's subscribers are back. With history on they resume and miss nothing; with it
    /// off their connection is told with a <c>reset</c> of the stream (before this was announced, the check was skipped
    /// silently: the cause of the one failure of this test), and receives every check after it.
    /// </remarks>
    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    public async Task A_node_joining_takes_shards_without_silencing_any_connection(int historySize)
    {
        var settings = new Dictionary<string, string> { ["Sse:HistorySize"] = historySize.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var (a, seed) = await ClusterNodes.StartSeedAsync(settings);
        var b = await ClusterNodes.StartMemberAsync(seed, settings);
        BrokerHost? c = null;
        await using var traffic = new Traffic { ResetAllowed = historySize == 0 };
        try
        {
            await ClusterNodes.AwaitMembersUpAsync(a, b);
            await traffic.ConnectAsync(a, b);
            traffic.StartBackgroundSending(b);

            c = await ClusterNodes.StartMemberAsync(seed, settings);
            await ClusterNodes.AwaitMembersUpAsync(a, b, c);
            await AwaitShardsOnAsync(c, "sse-user");

            await traffic.AssertEveryConnectionReceivesEverythingAsync(c);
        }
        finally
        {
            await traffic.DisposeAsync();
            if (c is not null)
            {
                await c.DisposeAsync();
            }
            await b.DisposeAsync();
            await a.DisposeAsync();
        }
    }

    private static async Task AwaitShardsOnAsync(BrokerHost node, string typeName)
    {
        var region = ClusterSharding.Get(node.ActorSystem).ShardRegion(typeName);
        await Eventually.HoldsAsync(
            async () => (await region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, TimeSpan.FromSeconds(5))).Shards.Count > 0,
            TimeSpan.FromSeconds(30), $"no {typeName} shard moved to the new node");
    }

    /// <summary>Users with a connection on each of two nodes, topics with a subscriber on each, and the events sent to them.</summary>
    private sealed class Traffic : IAsyncDisposable
    {
        private readonly string[] _users = [.. Enumerable.Range(0, UsersCount).Select(_ => Guid.NewGuid().ToString())];
        private readonly string[] _topics = [.. Enumerable.Range(0, TopicsCount).Select(i => $"membership-{i}-{Guid.NewGuid():N}")];
        private readonly List<(SseStream Stream, string Key)> _connections = [];
        private readonly CancellationTokenSource _stop = new();
        private Task _background = Task.CompletedTask;

        /// <summary>History off: a connection may miss checks if a <c>reset</c> naming its stream says so.</summary>
        public bool ResetAllowed { get; init; }

        public async Task ConnectAsync(params BrokerHost[] nodes)
        {
            foreach (var node in nodes)
            {
                foreach (var user in _users)
                {
                    _connections.Add((await node.ConnectAsync(user), $"user:{user}"));
                }
                foreach (var topic in _topics)
                {
                    _connections.Add((await node.ConnectAsync(Guid.NewGuid().ToString(), topic), $"topic:{topic}"));
                }
            }
        }

        /// <summary>Keeps sending while the membership changes; these events may be lost, they only keep the paths busy.</summary>
        public void StartBackgroundSending(BrokerHost sender) => _background = Task.Run(async () =>
        {
            for (var i = 0; i < 100_000 && !_stop.IsCancellationRequested; i++)
            {
                await SendToAllAsync(sender, "noise", i.ToString(), refusalsAllowed: true);
                await Task.Delay(10);
            }
        });

        public async Task AssertEveryConnectionReceivesEverythingAsync(BrokerHost sender)
        {
            await _stop.CancelAsync();
            await _background;
            await SettleAsync(sender);
            const int count = 20;
            for (var i = 0; i < count; i++)
            {
                await SendToAllAsync(sender, "check", i.ToString(), retryRefused: true);
            }
            var last = (count - 1).ToString();
            foreach (var (stream, key) in _connections)
            {
                var received = new List<string>();
                // How a reset names the stream: a connection's own user's stream is "user".
                var label = key.StartsWith("user:", StringComparison.Ordinal) ? "\"user\"" : key;
                var reset = false;
                while (received.LastOrDefault() != last)
                {
                    var item = await stream.NextEventAsync();
                    reset |= item.EventType == "reset" && item.Data.Contains(label, StringComparison.Ordinal);
                    // A refused send is sent again; if the refused one was recorded after all, its copy follows it directly.
                    // Without a message id the retry is not recognised as a repeat (SendUntilRecordedAsync in
                    // HistoryHandoverClusterTests sends one): the copy is recognised here instead.
                    if (item.EventType == "check" && (received.Count == 0 || received[^1] != item.Data))
                    {
                        received.Add(item.Data);
                    }
                }
                var missed = Enumerable.Range(0, count).Select(i => i.ToString()).Except(received).ToList();
                Assert.True(Enumerable.Range(0, count).Select(i => i.ToString()).Where(received.Contains).SequenceEqual(received),
                    $"{key} received {string.Join(",", received)} out of order");
                Assert.True(missed.Count == 0 || (ResetAllowed && reset),
                    $"{key} missed {string.Join(",", missed)} {(reset ? "with a reset (history on: nothing may be missed)" : "without a reset")}; received {string.Join(",", received)}");
            }
        }

        /// <summary>The change has settled once a marker sent now reaches every connection.</summary>
        private async Task SettleAsync(BrokerHost sender)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            var pending = _connections.ToList();
            for (var round = 0; pending.Count > 0; round++)
            {
                Assert.True(DateTime.UtcNow < deadline, $"{pending.Count} connections never heard a marker");
                var marker = $"settle-{round}";
                await SendToAllAsync(sender, "settle", marker, refusalsAllowed: true);
                var still = new List<(SseStream, string)>();
                foreach (var connection in pending)
                {
                    if (!await HeardAsync(connection.Stream, marker))
                    {
                        still.Add(connection);
                    }
                }
                pending = still;
            }
        }

        private static async Task<bool> HeardAsync(SseStream stream, string marker)
        {
            try
            {
                while (true)
                {
                    var item = await stream.NextEventAsync(TimeSpan.FromMilliseconds(300));
                    if (item.EventType == "settle" && item.Data == marker)
                    {
                        return true;
                    }
                }
            }
            catch (TimeoutException)
            {
                return false;
            }
        }

        /// <param name="refusalsAllowed">While shards move, a send may be refused (not recorded in time) rather than lost: noise and markers tolerate it.</param>
        /// <param name="retryRefused">
        /// Sends a refused event again, as a publisher does. The coordinator may still move a shard after the change has
        /// settled (a rebalance), and a region drops what it buffered for a shard in hand-off: the sender hears a refusal.
        /// </param>
        private async Task SendToAllAsync(BrokerHost sender, string eventName, string data, bool refusalsAllowed = false, bool retryRefused = false)
        {
            foreach (var send in _users.Select(user => (Func<Task>)(() => sender.Broker.SendToUserAsync(user, eventName, data)))
                         .Concat(_topics.Select(topic => (Func<Task>)(() => sender.Broker.SendToTopicAsync(topic, eventName, data)))))
            {
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        await send();
                        break;
                    }
                    catch (Sse.Actors.Broker.PublishOutcomeUnknownException) when (refusalsAllowed)
                    {
                        break;
                    }
                    catch (Sse.Actors.Broker.PublishOutcomeUnknownException) when (retryRefused && attempt < 3)
                    {
                    }
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _background;
            foreach (var (stream, _) in _connections)
            {
                await stream.DisposeAsync();
            }
            _connections.Clear();
        }
    }
}
