using System.Net;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Sse.Actors.Delivery;
using Sse.Actors.Broker;
using Sse.Tests.Diagnostics;

namespace Sse.Tests.Http;

/// <summary>
/// Back-pressure through the public surface: a node whose publishes wait for their streams up to
/// <c>Sse:Limits:MaxPendingPublishes</c> makes the next wait, and refuses at once what finds the line full too.
/// The history store is a PostgreSQL server that is not there, so nothing is ever recorded.
/// </summary>
[Trait("Category", TestCategories.Http)]
public sealed class PublishBackPressureTests
{
    [Fact]
    public async Task A_node_with_as_many_publishes_waiting_as_it_allows_answers_503_naming_the_limit_and_shows_them_as_a_metric()
    {
        await using var host = await BrokerHost.StartAsync(new Dictionary<string, string>
        {
            ["Sse:HistorySize"] = "10",
            ["Sse:HistoryStore:Provider"] = "PostgreSql",
            ["Sse:HistoryStore:ConnectionString"] = "Host=127.0.0.1;Port=1;Username=sse;Password=sse;Database=sse;Timeout=1",
            ["Sse:PublishTimeout"] = "00:00:04",
            ["Sse:Limits:MaxPendingPublishes"] = "1",
        });
        var waiting = host.Broker.SendToUserAsync(Guid.NewGuid().ToString(), "note", "waits for its stream");
        var queued = host.Broker.SendToUserAsync(Guid.NewGuid().ToString(), "note", "waits for room");

        using var refused = await host.SendAsync(new { target_type = "user", user_id = Guid.NewGuid().ToString(), @event = "note", data = "finds the line full" });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Contains("MaxPendingPublishes", await refused.Content.ReadAsStringAsync());
        Assert.False(waiting.IsCompleted);
        Assert.False(queued.IsCompleted);
        await host.AwaitMetricsAsync(m => m.Value("sse_publishes_pending", host.Node()) == 2);
    }

    [Fact]
    public async Task The_nodes_deliveries_run_on_their_bounded_mailbox_and_their_depth_is_a_metric()
    {
        await using var host = await BrokerHost.StartAsync(new Dictionary<string, string> { ["Sse:Limits:MaxBrokerBacklog"] = "500" });

        foreach (var delivery in NodeDeliveries.Of(host.ActorSystem).All)
        {
            // An actor's cell starts on its dispatcher, after ActorOf has returned.
            await Eventually.HoldsAsync(() => ((ActorRefWithCell)delivery).Underlying is ActorCell, BrokerHost.FactTimeout,
                () => $"the delivery's cell is still {((ActorRefWithCell)delivery).Underlying.GetType().Name}");
            var cell = Assert.IsType<ActorCell>(((ActorRefWithCell)delivery).Underlying);
            Assert.IsType<DeliveryMessageQueue>(cell.Mailbox!.MessageQueue);
        }
        var scrape = await host.AwaitMetricsAsync(m => m.Samples.Any(s => s.Name == "sse_broker_backlog" && s.Label("node") == host.Node()));
        Assert.Equal("gauge", scrape.Types["sse_broker_backlog"]);
        Assert.Equal("gauge", scrape.Types["sse_stream_backlog_peak"]);
    }
}
