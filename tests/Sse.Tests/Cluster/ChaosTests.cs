using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Sse.Tests.HistoryStore;
using Sse.Tests.Http;
using Xunit.Abstractions;

namespace Sse.Tests.Cluster;

/// <summary>
/// Three real host processes on one PostgreSQL history store, 30 clients that behave like <c>EventSource</c>
/// (keep the last id, reconnect with <c>Last-Event-ID</c> to a live node after the server's <c>retry:</c>), a
/// publisher at 50 events/s to users, topics and broadcasts through any live node that retries every refusal with
/// the same message id, and one node killed with SIGKILL mid-run. Every accepted event reaches every recipient
/// exactly once, in order per stream, without a <c>reset</c>; with the memory store, every accepted event arrives
/// or its stream is named in a <c>reset</c>. The suite kills the oldest node (the shard coordinators'); every case:
/// <c>SSE_CHAOS=all dotnet test --filter "FullyQualifiedName~ChaosTests"</c>.
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", TestCategories.Chaos)]
public sealed class ChaosTests(PostgresServer postgres, ITestOutputHelper output)
{
    // SSE_CHAOS_EVENTS=1500 runs the issue's original length (30 s of publishing).
    private static readonly int Events = int.TryParse(Environment.GetEnvironmentVariable("SSE_CHAOS_EVENTS"), out var events) ? Math.Clamp(events, 300, 6000) : 600;
    private const int MaxEvents = 6000;
    private const int KillAt = 150;
    // Events after the disruption starts during which the give-up publisher runs even when the disruption itself is instant (a kill).
    private const int GiveUpWindow = 300;
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// The node killed or frozen: the oldest (it holds the shard coordinators), the one holding the most user entities, or the
    /// one holding the broadcasts' entity, as each node's <c>sse_stream_entities</c> gauge says. <c>SSE_CHAOS=all</c> runs every case.
    /// </summary>
    public static TheoryData<string, string> Cases => Environment.GetEnvironmentVariable("SSE_CHAOS") == "all"
        ? new TheoryData<string, string> { { "oldest", "PostgreSql" }, { "most-users", "PostgreSql" }, { "broadcasts", "PostgreSql" }, { "oldest", "Memory" } }
        : new TheoryData<string, string> { { "oldest", "PostgreSql" } };

    /// <summary>The node frozen and resumed; <c>SSE_CHAOS=all</c> runs every case.</summary>
    public static TheoryData<string, string> FreezeCases => Environment.GetEnvironmentVariable("SSE_CHAOS") == "all"
        ? new TheoryData<string, string> { { "most-users", "PostgreSql" }, { "oldest", "PostgreSql" }, { "most-users", "Memory" }, { "oldest", "Memory" } }
        : new TheoryData<string, string> { { "most-users", "PostgreSql" } };

    // Longer than the cluster takes to down a node with the settings below (2 s to notice, 2 s stable), and its shards to move.
    private static readonly TimeSpan Freeze = TimeSpan.FromSeconds(12);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Killing_a_node_under_load_loses_no_accepted_event_without_a_word(string victim, string store)
    {
        var nodes = await HostProcess.StartThreeAsync(await SettingsAsync(store));
        await RunUnderLoadAsync(nodes, durable: store == "PostgreSql", async (balancer, _) =>
        {
            var dying = await VictimAsync(nodes, victim);
            balancer.Remove(dying);
            dying.Kill();
            output.WriteLine($"killed the {victim} node, {nodes.IndexOf(dying)} of 3");
        });
    }

    /// <summary>
    /// A node frozen (SIGSTOP) for longer than the cluster takes to down it, as a long GC pause, a VM migration or a healed
    /// partition does, with publishes queued in its sockets (the balancer goes on sending it copies of the retried events),
    /// then resumed (SIGCONT). It records nothing of what it finds queued, and its clients resume elsewhere.
    /// </summary>
    [Theory]
    [MemberData(nameof(FreezeCases))]
    public async Task Freezing_a_node_past_its_downing_then_resuming_it_loses_no_accepted_event_without_a_word(string victim, string store)
    {
        var nodes = await HostProcess.StartThreeAsync(await SettingsAsync(store));
        await RunUnderLoadAsync(nodes, durable: store == "PostgreSql", async (balancer, _) =>
        {
            var frozen = await VictimAsync(nodes, victim);
            balancer.Remove(frozen);
            await frozen.PauseAsync();
            balancer.Shadow = frozen;
            output.WriteLine($"froze the {victim} node, {nodes.IndexOf(frozen)} of 3");
            await Task.Delay(Freeze);
            balancer.Shadow = null;
            await frozen.ResumeAsync();
            output.WriteLine($"resumed it with {balancer.Shadowed} publishes queued for it");
            // Downed while frozen, it leaves as it wakes: its streams end and their clients reconnect to the others.
            await frozen.WaitForExitAsync(TimeSpan.FromSeconds(60));
            output.WriteLine($"the resumed node left and exited; its entities refused to record {CountOf(frozen.Output, "records nothing")} times");
        });
    }

    private static int CountOf(string text, string what) => (text.Length - text.Replace(what, "", StringComparison.Ordinal).Length) / what.Length;

    private async Task<HostProcess> VictimAsync(List<HostProcess> nodes, string victim) => victim switch
    {
        "oldest" => nodes[0],
        "most-users" => await HoldingMostAsync(nodes, "user"),
        _ => await HoldingMostAsync(nodes, "broadcast"),
    };

    [Fact]
    public async Task A_rolling_restart_under_load_loses_nothing_and_resets_nothing()
    {
        var settings = await SettingsAsync("PostgreSql");
        int[] ports = [ClusterNodes.FreePort(), ClusterNodes.FreePort(), ClusterNodes.FreePort()];
        // Every node knows every seed, so a restarted first seed joins the others instead of starting a cluster of its own.
        for (var i = 0; i < ports.Length; i++)
        {
            settings[$"Sse:Cluster:SeedNodes:{i}"] = $"akka.tcp://sse@127.0.0.1:{ports[i]}";
        }
        var nodes = ports.Select(port => HostProcess.Start(null, port, settings)).ToList();

        await RunUnderLoadAsync(nodes, durable: true, async (balancer, restarted) =>
        {
            // SIGTERM each node in turn, as a deployment does, and start it again while the publisher goes on.
            for (var i = 0; i < nodes.Count; i++)
            {
                balancer.Remove(nodes[i]);
                await nodes[i].StopGracefullyAsync();
                var fresh = HostProcess.Start(null, nodes[i].AkkaPort, settings);
                restarted.Add(fresh);
                await AwaitAsync(async () => await fresh.IsReadyAsync() && (await fresh.StatsAsync()).GetProperty("nodes").GetArrayLength() == 3,
                    $"node {i} back", TimeSpan.FromSeconds(90));
                balancer.Add(fresh);
            }
        });
    }

    /// <summary>The node running the most stream entities of <paramref name="kind"/>, by its <c>sse_stream_entities</c> gauge.</summary>
    private async Task<HostProcess> HoldingMostAsync(List<HostProcess> nodes, string kind)
    {
        var counts = await Task.WhenAll(nodes.Select(async node =>
            Diagnostics.MetricsScrape.Parse(await node.Client.GetStringAsync("/metrics")).Value("sse_stream_entities", node.Address, ("kind", kind))));
        output.WriteLine($"{kind} entities per node: {string.Join(", ", counts)}");
        Assert.True(counts.Max() > 0, $"no node runs a {kind} entity");
        return nodes[Array.IndexOf(counts, counts.Max())];
    }

    private async Task<Dictionary<string, string>> SettingsAsync(string store)
    {
        var settings = new Dictionary<string, string>
        {
            ["Serilog:MinimumLevel:Default"] = "Warning",
            ["Sse:Auth:AllowQueryString"] = "true",
            ["Sse:Publish:AllowAnonymous"] = "true",
            ["Sse:Auth:AllowedTopics:0"] = "*",
            ["Sse:HistorySize"] = "1000",
            ["Sse:HistoryStore:Provider"] = store,
            ["Sse:EmptyEntityPassivation"] = "00:05:00",
            ["Sse:ReconnectDelay"] = "00:00:00.500",
            ["Sse:PublishTimeout"] = "00:00:02",
            ["Sse:Cluster:FailureDetectionPause"] = "00:00:02",
            ["Sse:Cluster:DownUnreachableAfter"] = "00:00:02",
        };
        if (store == "PostgreSql")
        {
            settings["Sse:HistoryStore:ConnectionString"] = await postgres.CreateDatabaseAsync();
        }
        return settings;
    }

    /// <summary>
    /// Connects the clients once the three nodes are ready, publishes, starts <paramref name="disrupt"/> at event
    /// <see cref="KillAt"/> while publishing goes on, then checks what every client received.
    /// </summary>
    private async Task RunUnderLoadAsync(List<HostProcess> nodes, bool durable, Func<LoadBalancer, List<HostProcess>, Task> disrupt)
    {
        var balancer = new LoadBalancer(nodes);
        var started = new List<HostProcess>();
        using var stop = new CancellationTokenSource();
        var clients = new List<ResumingClient>();
        try
        {
            await AwaitAsync(async () => (await Task.WhenAll(nodes.Select(n => n.IsReadyAsync()))).All(ready => ready)
                && (await nodes[0].StatsAsync()).GetProperty("nodes").GetArrayLength() == 3, "three nodes ready");
            var users = Enumerable.Range(0, 30).Select(_ => Guid.NewGuid().ToString()).ToArray();
            var topics = Enumerable.Range(0, 3).Select(i => $"chaos-{i}-{Guid.NewGuid():N}").ToArray();
            for (var i = 0; i < users.Length; i++)
            {
                clients.Add(await ResumingClient.StartAsync(balancer, users[i], topics[i % topics.Length], stop.Token));
            }

            var expected = new ConcurrentDictionary<string, List<string>>();
            var disruption = Task.CompletedTask;
            var givingUp = new List<Task>();
            // At least Events events, and on for as long as the disruption lasts (a rolling restart takes a while), within a bound.
            for (var k = 0; k < Events || (!disruption.IsCompleted && k < MaxEvents); k++)
            {
                if (k == KillAt)
                {
                    disruption = disrupt(balancer, started);
                }
                var (stream, body) = (k % 5) switch
                {
                    0 or 1 => ($"user:{users[k % users.Length]}", (object)new { target_type = "user", user_id = users[k % users.Length], @event = "chaos", data = $"{k}" }),
                    2 or 3 => ($"topic:{topics[k % topics.Length]}", new { target_type = "topic", topic = topics[k % topics.Length], @event = "chaos", data = $"{k}" }),
                    _ => ("broadcast", new { target_type = "broadcast", @event = "chaos", data = $"{k}" }),
                };
                await balancer.SendUntilRecordedAsync(body, $"chaos-{k}");
                expected.GetOrAdd(stream, _ => []).Add($"{k}");
                // From the disruption on, for as long as it lasts and at least while a killed node's streams move.
                if (k >= KillAt && (k < KillAt + GiveUpWindow || !disruption.IsCompleted) && k % 3 == 0)
                {
                    // A second publisher tries once and gives up: what it was told was refused must never arrive.
                    givingUp.Add(balancer.SendOnceAsync(new { target_type = "broadcast", @event = "giveup", data = $"g{k}" }, $"g{k}"));
                }
                await Task.Delay(Pace);
            }
            await disruption;
            await Task.WhenAll(givingUp);
            output.WriteLine($"published {expected.Values.Sum(e => e.Count)} events, {balancer.Refusals} refusals retried; " +
                $"{givingUp.Count} tried once, {balancer.GivenUp.Count} of them refused");

            foreach (var client in clients)
            {
                Assert.DoesNotContain(client.GaveUp, balancer.GivenUp.ContainsKey);
                List<string> Want(string stream) => expected.GetValueOrDefault(stream) ?? [];
                var want = new[] { $"user:{client.UserId}", $"topic:{client.Topic}", "broadcast" }.ToDictionary(s => s, Want);
                if (durable)
                {
                    await AwaitAsync(() => Task.FromResult(client.Has(want)), $"client {client.UserId} gets every event", TimeSpan.FromSeconds(90));
                    foreach (var (stream, events) in want)
                    {
                        Assert.Equal(events, client.Received(stream));
                    }
                    Assert.Empty(client.Resets);
                    continue;
                }
                // The memory store loses a killed node's history: what is missing must have been announced.
                await AwaitAsync(() => Task.FromResult(want.All(w => client.Resets.Contains(w.Key) || client.Received(w.Key).Count >= w.Value.Count)),
                    $"client {client.UserId} gets every event or a reset", TimeSpan.FromSeconds(90));
                foreach (var (stream, events) in want)
                {
                    var received = client.Received(stream);
                    Assert.True(client.Resets.Contains(stream) || events.SequenceEqual(received),
                        $"{stream} lost {events.Except(received).Count()} events without a reset");
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
            foreach (var node in nodes.Concat(started))
            {
                await node.DisposeAsync();
            }
        }
    }

    private async Task AwaitAsync(Func<Task<bool>> condition, string what, TimeSpan? within = null)
    {
        await Eventually.HoldsAsync(condition, within ?? TimeSpan.FromSeconds(60), what);
        output.WriteLine($"{what}: ok");
    }

    /// <summary>Routes to the live nodes in turn; stops routing to a node once it is dead.</summary>
    private sealed class LoadBalancer(IEnumerable<HostProcess> nodes)
    {
        private readonly List<HostProcess> _nodes = [.. nodes];
        private readonly HashSet<HostProcess> _dead = [];
        private int _next;

        public int Refusals { get; private set; }

        /// <summary>A node that gets a copy of every send (same message id) without being waited for: requests queued in a frozen node's sockets.</summary>
        public HostProcess? Shadow { get; set; }

        public int Shadowed { get; private set; }

        /// <summary>Events a give-up publisher was refused (503: not recorded and never will be); none may ever arrive.</summary>
        public ConcurrentDictionary<string, bool> GivenUp { get; } = new();

        /// <summary>One try, as a publisher that gives up does: a 503 is believed, anything else but 200 is of unknown outcome.</summary>
        public async Task SendOnceAsync(object body, string data)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                using var response = await Next().Client.PostAsJsonAsync("/api/v1/sse/send", body, timeout.Token);
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    GivenUp[data] = true;
                }
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
            {
            }
        }

        public HostProcess Next()
        {
            lock (_dead)
            {
                var live = _nodes.Where(n => !_dead.Contains(n)).ToList();
                return live[Interlocked.Increment(ref _next) % live.Count];
            }
        }

        public void Remove(HostProcess node)
        {
            lock (_dead)
            {
                _dead.Add(node);
            }
        }

        public void Add(HostProcess node)
        {
            lock (_dead)
            {
                _nodes.Add(node);
            }
        }

        /// <summary>A publisher's retry loop: every refusal, timeout or broken connection is retried with the same message id.</summary>
        public async Task SendUntilRecordedAsync(object body, string messageId)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
            while (true)
            {
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/sse/send") { Content = JsonContent.Create(body) };
                    request.Headers.Add("Idempotency-Key", messageId);
                    if (Shadow is { } shadow)
                    {
                        Shadowed++;
                        _ = CopyToAsync(shadow, body, messageId);
                    }
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                    using var response = await Next().Client.SendAsync(request, timeout.Token);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        return;
                    }
                    // 503: not recorded; 504: outcome unknown. Either way the same message id is safe to send again.
                    Assert.True(response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout, $"{messageId}: {response.StatusCode}");
                }
                catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
                {
                }
                Refusals++;
                Assert.True(DateTime.UtcNow < deadline, $"{messageId} was never recorded");
                await Task.Delay(100);
            }
        }
    }

    private static async Task CopyToAsync(HostProcess node, object body, string messageId)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/sse/send") { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", messageId);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            using var _ = await node.Client.SendAsync(request, timeout.Token);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
        }
    }

    /// <summary>An <c>EventSource</c>: keeps the last id, reconnects with it to a live node after the server's <c>retry:</c>.</summary>
    private sealed class ResumingClient : IAsyncDisposable
    {
        private readonly ConcurrentDictionary<string, List<string>> _received = new();
        private readonly Task _loop;
        private readonly ConcurrentDictionary<string, bool> _resets = new();
        private readonly ConcurrentDictionary<string, bool> _gaveUp = new();
        private string? _lastId;

        private ResumingClient(string userId, string topic, Task<SseStream> first, LoadBalancer balancer, CancellationToken stop)
        {
            UserId = userId;
            Topic = topic;
            _loop = RunAsync(first, balancer, stop);
        }

        public string UserId { get; }

        public string Topic { get; }

        /// <summary>The streams a <c>reset</c> named, as this test names them.</summary>
        public IReadOnlyCollection<string> Resets => [.. _resets.Keys];

        /// <summary>The give-up publisher's events this client received.</summary>
        public IReadOnlyCollection<string> GaveUp => [.. _gaveUp.Keys];

        public static async Task<ResumingClient> StartAsync(LoadBalancer balancer, string userId, string topic, CancellationToken stop)
        {
            var stream = await SseStream.OpenAsync(balancer.Next().Client, BrokerHost.StreamPath(userId, topic));
            await stream.WelcomeAsync();
            var client = new ResumingClient(userId, topic, Task.FromResult(stream), balancer, stop);
            client._lastId = stream.WelcomeId;
            return client;
        }

        public List<string> Received(string stream)
        {
            lock (_received)
            {
                return [.. _received.GetValueOrDefault(stream) ?? []];
            }
        }

        public bool Has(Dictionary<string, List<string>> want) => want.All(w => Received(w.Key).Count >= w.Value.Count);

        private async Task RunAsync(Task<SseStream> opening, LoadBalancer balancer, CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await using var stream = await opening;
                    while (!stop.IsCancellationRequested)
                    {
                        var item = await stream.NextAsync(TimeSpan.FromSeconds(60));
                        _lastId = item.EventId ?? _lastId;
                        if (item.EventType == "reset")
                        {
                            using var reset = System.Text.Json.JsonDocument.Parse(item.Data);
                            foreach (var label in reset.RootElement.GetProperty("streams").EnumerateArray())
                            {
                                _resets[label.GetString() switch { "user" => $"user:{UserId}", "broadcast" => "broadcast", var topic => topic! }] = true;
                            }
                        }
                        if (item.EventType == "giveup")
                        {
                            _gaveUp[item.Data] = true;
                        }
                        if (item.EventType == "chaos")
                        {
                            lock (_received)
                            {
                                _received.GetOrAdd(StreamOf(item.Data), _ => []).Add(item.Data);
                            }
                        }
                    }
                }
                catch (Exception) when (!stop.IsCancellationRequested)
                {
                    // The stream broke (its node died) or was refused: reconnect after the server's retry, as a browser does.
                    await Task.Delay(500, CancellationToken.None);
                    opening = SseStream.OpenAsync(balancer.Next().Client, BrokerHost.StreamPath(UserId, Topic), _lastId);
                }
                catch (Exception)
                {
                    return;
                }
            }
        }

        // The publisher's event k goes to a user (k % 5 of 0, 1), a topic (2, 3) or everyone (4).
        private string StreamOf(string data) => (int.Parse(data, System.Globalization.CultureInfo.InvariantCulture) % 5) switch
        {
            0 or 1 => $"user:{UserId}",
            2 or 3 => $"topic:{Topic}",
            _ => "broadcast",
        };

        public async ValueTask DisposeAsync()
        {
            try
            {
                await _loop.WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (TimeoutException)
            {
            }
        }
    }
}
