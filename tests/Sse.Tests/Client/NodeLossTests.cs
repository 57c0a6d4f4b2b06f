using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Sse.Actors.Broker;
using Sse.Tests.Browser;
using Sse.Tests.Cluster;
using Sse.Tests.HistoryStore;
using Sse.Tests.Http;

namespace Sse.Tests.Client;

/// <summary>
/// Two nodes on one PostgreSQL history behind a stand-in load balancer; the node holding the tabs' stream dies.
/// The shared stream resumes on the other node with a newly bought ticket, and the tabs miss nothing.
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", TestCategories.Browser)]
public sealed class NodeLossTests(PostgresServer postgres, ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    // The node's actor system stops with no leaving and no hand-off, as if killed; the other must detect and down it.
    private const string CrashOnTerminate = "akka.coordinated-shutdown.run-by-actor-system-terminate = off";

    [Fact]
    public async Task When_the_node_holding_the_stream_dies_the_tabs_resume_on_the_other_with_a_new_ticket_and_miss_nothing()
    {
        var settings = new Dictionary<string, string>
        {
            ["Sse:HistorySize"] = "50",
            ["Sse:HistoryStore:Provider"] = "PostgreSql",
            ["Sse:HistoryStore:ConnectionString"] = await postgres.CreateDatabaseAsync(),
            ["Sse:EmptyEntityPassivation"] = "00:05:00",
            ["Sse:Cluster:FailureDetectionPause"] = "00:00:02",
            ["Sse:Cluster:DownUnreachableAfter"] = "00:00:02",
        };
        var (first, seed) = await ClusterNodes.StartSeedAsync(settings, CrashOnTerminate);
        var second = await ClusterNodes.StartMemberAsync(seed, settings, CrashOnTerminate);
        // Of two nodes, the split-brain resolver (keep-majority) keeps the side with the lowest address: the other one dies.
        var (survivor, victim) = ClusterPort(first) < ClusterPort(second) ? (first, second) : (second, first);
        await using var balancer = new StandInBalancer(victim.Address.Port);
        try
        {
            await ClusterNodes.AwaitMembersUpAsync(victim, survivor);
            var user = Guid.NewGuid().ToString();
            var topic = $"t-{Guid.NewGuid():N}";
            await using var tabs = new ClientTabs(chromium.Browser, balancer.Address);
            // The tickets are bought through the balancer too, and counted.
            var ticketScript = $$"""
                window.tickets = 0;
                window.clientOptions = {
                  ticket: async topics => {
                    window.tickets++;
                    const response = await fetch('/api/v1/sse/ticket?user_id={{user}}&topics=' + topics.join(','), { method: 'POST' });
                    if (!response.ok) throw new Error('ticket refused: ' + response.status);
                    return (await response.json()).ticket;
                  },
                };
                """;
            Microsoft.Playwright.IPage[] pages = [await tabs.OpenAsync(new { user, topics = new[] { topic } }, ticketScript),
                await tabs.OpenAsync(new { user, topics = new[] { topic } }, ticketScript)];
            await Send(survivor, user, topic, "before");
            foreach (var page in pages)
            {
                await ClientTabs.AwaitReceivedAsync(page, "u-before", "t-before");
            }

            // The node dies; the balancer sends new connections to the survivor and drops the ones to the dead node.
            await victim.ActorSystem.Terminate();
            balancer.Target(survivor.Address.Port);
            await ClusterNodes.AwaitMembersUpAsync(survivor);
            await Send(survivor, user, topic, "during");
            foreach (var page in pages)
            {
                await ClientTabs.AwaitReceivedAsync(page, "u-during", "t-during");
            }
            await Send(survivor, user, topic, "after");

            foreach (var page in pages)
            {
                await ClientTabs.AwaitReceivedAsync(page, "u-after", "t-after");
                Assert.Equal(["u-before", "u-during", "u-after"], await ClientTabs.ReceivedAsync(page, "user"));
                Assert.Equal(["t-before", "t-during", "t-after"], await ClientTabs.ReceivedAsync(page, $"topic:{topic}"));
                Assert.Empty(await ClientTabs.ResetsAsync(page));
            }
            Assert.True(await pages[0].EvaluateAsync<int>("() => window.tickets") + await pages[1].EvaluateAsync<int>("() => window.tickets") >= 2,
                "no ticket was bought again");
        }
        finally
        {
            await survivor.DisposeAsync();
            await victim.DisposeAsync();
        }
    }

    private static int ClusterPort(BrokerHost node) => Akka.Cluster.Cluster.Get(node.ActorSystem).SelfAddress.Port ?? 0;

    /// <summary>Sends as a publisher does while the streams fail over: a send of unknown outcome is retried under its message id.</summary>
    private static async Task Send(BrokerHost node, string user, string topic, string phase)
    {
        await Retried(() => node.Broker.SendToUserAsync(user, "n", $"u-{phase}", $"u-{phase}"));
        await Retried(() => node.Broker.SendToTopicAsync(topic, "n", $"t-{phase}", $"t-{phase}"));
    }

    private static async Task Retried(Func<Task> send)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                await send();
                return;
            }
            catch (PublishOutcomeUnknownException) when (DateTime.UtcNow < until)
            {
            }
        }
    }

    /// <summary>A TCP load balancer with one backend at a time; switching cuts the connections to the old one, as a health check would.</summary>
    private sealed class StandInBalancer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly ConcurrentDictionary<TcpClient, int> _connections = new();
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _accepting;
        private volatile int _port;

        public StandInBalancer(int port)
        {
            _port = port;
            _listener.Start();
            Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
            _accepting = AcceptAsync();
        }

        public Uri Address { get; }

        public void Target(int port)
        {
            var old = _port;
            _port = port;
            foreach (var (connection, backend) in _connections)
            {
                if (backend == old)
                {
                    connection.Close();
                }
            }
        }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                _ = ForwardAsync(client, _port);
            }
        }

        private async Task ForwardAsync(TcpClient client, int port)
        {
            using var backend = new TcpClient();
            _connections[client] = port;
            try
            {
                await backend.ConnectAsync(IPAddress.Loopback, port, _stop.Token);
                using var a = client.GetStream();
                using var b = backend.GetStream();
                await Task.WhenAny(a.CopyToAsync(b, _stop.Token), b.CopyToAsync(a, _stop.Token));
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
            {
                // The backend or the browser went away: so does the other side.
            }
            finally
            {
                _connections.TryRemove(client, out _);
                client.Close();
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            foreach (var connection in _connections.Keys)
            {
                connection.Close();
            }
            await _accepting;
            _stop.Dispose();
        }
    }
}
