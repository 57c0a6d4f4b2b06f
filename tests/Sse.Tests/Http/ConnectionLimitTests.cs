using System.Net;
using Akka.Actor;
using Akka.Hosting;
using Sse.Actors.Broker;
using Xunit;

namespace Sse.Tests.Http;

[Trait("Category", TestCategories.Http)]
public sealed class ConnectionLimitTests
{
    [Fact]
    public async Task Over_MaxConnections_is_503_with_Retry_After_and_no_stream()
    {
        await using var host = await BrokerHost.StartAsync(new Dictionary<string, string> { ["Sse:MaxConnections"] = "2" });
        await using var first = await host.ConnectAsync(Guid.NewGuid().ToString());
        await using var second = await host.ConnectAsync(Guid.NewGuid().ToString());

        using var refused = await host.Client.GetAsync(BrokerHost.StreamPath(Guid.NewGuid().ToString()), HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.NotEqual("text/event-stream", refused.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("welcome", await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_broker_that_does_not_admit_within_ConnectTimeout_is_503_with_Retry_After_and_no_stream()
    {
        // The node's broker stands in for an overloaded one: it takes the connect and never answers.
        await using var host = await BrokerHost.StartAsync(new Dictionary<string, string> { ["Sse:ConnectTimeout"] = "00:00:00.300" },
            akka: akka => akka.WithActors((system, registry) => registry.Register<BrokerActor>(system.ActorOf(Props.Create(() => new Silent())), overwrite: true)));

        using var refused = await host.Client.GetAsync(BrokerHost.StreamPath(Guid.NewGuid().ToString()), HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.NotEqual("text/event-stream", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Sse:ConnectTimeout", await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_freed_slot_admits_the_next_connection()
    {
        await using var host = await BrokerHost.StartAsync(new Dictionary<string, string> { ["Sse:MaxConnections"] = "1" });
        var first = await host.ConnectAsync(Guid.NewGuid().ToString());
        await first.DisposeAsync();

        await host.AwaitStatsAsync(stats => stats.GetProperty("total_clients").GetInt32() == 0);
        await using var next = await host.ConnectAsync(Guid.NewGuid().ToString());
    }

    [Fact]
    public async Task Over_MaxConnectionsPerUser_is_429_with_Retry_After_while_other_users_connect()
    {
        await using var host = await BrokerHost.StartAsync(new Dictionary<string, string> { ["Sse:MaxConnectionsPerUser"] = "2" });
        var userId = Guid.NewGuid().ToString();
        await using var first = await host.ConnectAsync(userId);
        await using var second = await host.ConnectAsync(userId);

        using var refused = await host.Client.GetAsync(BrokerHost.StreamPath(userId), HttpCompletionOption.ResponseHeadersRead);
        await using var otherUser = await host.ConnectAsync(Guid.NewGuid().ToString());

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.NotEqual("text/event-stream", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("MaxConnectionsPerUser", await refused.Content.ReadAsStringAsync());

        // A stream that ends frees its place.
        await first.DisposeAsync();
        await Eventually.HoldsAsync(async () =>
        {
            using var again = await host.Client.GetAsync(BrokerHost.StreamPath(userId), HttpCompletionOption.ResponseHeadersRead);
            return again.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(15), "the user's third stream admitted once the first ended");
    }

    private sealed class Silent : UntypedActor
    {
        protected override void OnReceive(object message)
        {
        }
    }
}
