using System.Diagnostics;
using System.Net;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Microsoft.Extensions.Options;
using Xunit;

namespace Sse.Tests.Http;

[Trait("Category", TestCategories.Http)]
public sealed class LifecycleTests
{
    [Fact]
    public async Task Stats_and_online_users_follow_connects_and_disconnects()
    {
        await using var host = await BrokerHost.StartAsync();
        var alice = Guid.NewGuid().ToString();
        var bob = Guid.NewGuid().ToString();
        var aliceTab1 = await host.ConnectAsync(alice, "news,sports");
        await using var aliceTab2 = await host.ConnectAsync(alice, "news");
        await using var bobTab = await host.ConnectAsync(bob);

        var stats = await host.StatsAsync();
        Assert.Equal(3, stats.GetProperty("total_clients").GetInt32());
        Assert.Equal(2, stats.GetProperty("total_users").GetInt32());
        Assert.Equal(2, stats.GetProperty("total_topics").GetInt32());
        Assert.True(stats.GetProperty("is_running").GetBoolean());
        Assert.Equal(2, await host.Broker.GetUserConnectionCountAsync(alice));
        Assert.True(await host.Broker.IsUserOnlineAsync(bob));
        Assert.Equal(new[] { alice, bob }.Order(), (await host.Broker.GetOnlineUsersAsync()).Order());

        await aliceTab1.DisposeAsync();
        await host.AwaitStatsAsync(s => s.GetProperty("total_clients").GetInt32() == 2);
        Assert.Equal(1, (await host.StatsAsync()).GetProperty("total_topics").GetInt32());
        Assert.Equal(1, await host.Broker.GetUserConnectionCountAsync(alice));

        await bobTab.DisposeAsync();
        await host.AwaitStatsAsync(s => s.GetProperty("total_users").GetInt32() == 1);
        Assert.False(await host.Broker.IsUserOnlineAsync(bob));
        Assert.Equal([alice], await host.Broker.GetOnlineUsersAsync());
    }

    [Fact]
    public async Task A_thousand_connect_disconnect_cycles_leave_no_clients_users_topics_or_entities()
    {
        await using var host = await BrokerHost.StartAsync(new Dictionary<string, string> { ["Sse:EmptyEntityPassivation"] = "00:00:00.500" });
        var users = Enumerable.Range(0, 50).Select(_ => Guid.NewGuid().ToString()).ToArray();

        await Parallel.ForAsync(0, 1000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            await using var stream = await host.ConnectAsync(users[i % users.Length], $"topic-{i % 7},shared");
        });

        await host.AwaitStatsAsync(s =>
            s.GetProperty("total_clients").GetInt32() == 0 &&
            s.GetProperty("total_users").GetInt32() == 0 &&
            s.GetProperty("total_topics").GetInt32() == 0 &&
            s.GetProperty("connections_accepted").GetInt64() == 1000);
        await AwaitNoEntitiesAsync(host, "sse-user");
        await AwaitNoEntitiesAsync(host, "sse-topic");
        var children = await host.ActorSystem.ActorSelection("/user/sse-broker/*").Ask<ActorIdentity>(new Identify(null));
        Assert.Null(children.Subject);
    }

    [Fact]
    public async Task Host_shutdown_sends_close_to_every_stream_and_ends_it_promptly()
    {
        var host = await BrokerHost.StartAsync();
        await using (host)
        {
            var first = await host.ConnectAsync(Guid.NewGuid().ToString());
            var second = await host.ConnectAsync(Guid.NewGuid().ToString(), "news");

            var stopping = Stopwatch.StartNew();
            var stop = host.StopAsync();

            foreach (var stream in new[] { first, second })
            {
                var rest = await stream.ReadToEndAsync();
                Assert.Equal("close", rest.Last(item => item.EventType != "heartbeat").EventType);
                await stream.DisposeAsync();
            }
            await stop.WaitAsync(BrokerHost.FactTimeout);
            Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(10), $"stopping took {stopping.Elapsed}");
        }
    }

    [Theory]
    [InlineData("Sse:ClientBufferSize", "0")]
    [InlineData("Sse:MaxConnections", "-1")]
    [InlineData("Sse:ClientTimeout", "00:00:01")]
    public async Task Start_fails_with_a_message_naming_a_bad_option(string option, string value)
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            BrokerHost.StartAsync(new Dictionary<string, string> { [option] = value }));

        Assert.Contains(option, failure.Message);
    }

    [Fact]
    public async Task Demo_page_is_served_at_the_root()
    {
        await using var host = await BrokerHost.StartAsync();

        using var response = await host.Client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("EventSource", html);
        Assert.Contains("/api/v1/sse/send", html);
    }

    private static async Task AwaitNoEntitiesAsync(BrokerHost host, string typeName)
    {
        var region = ClusterSharding.Get(host.ActorSystem).ShardRegion(typeName);
        var entities = 0;
        await Eventually.HoldsAsync(async () =>
        {
            var state = await region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, BrokerHost.FactTimeout);
            entities = state.Shards.Sum(shard => shard.EntityIds.Count);
            return entities == 0;
        }, BrokerHost.FactTimeout, () => Task.FromResult($"{typeName} still has {entities} entities"));
    }
}
