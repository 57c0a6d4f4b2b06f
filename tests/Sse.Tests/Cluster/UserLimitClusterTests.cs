using System.Net;
using Sse.Tests.Http;

namespace Sse.Tests.Cluster;

/// <summary><c>Sse:MaxConnectionsPerUser</c> counts a user's streams on every node: the user's entity admits them.</summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", TestCategories.Chaos)]
public sealed class UserLimitClusterTests
{
    [Fact]
    public async Task With_a_limit_of_one_a_second_stream_of_the_user_on_another_node_is_429_until_the_first_ends()
    {
        var settings = new Dictionary<string, string> { ["Sse:MaxConnectionsPerUser"] = "1" };
        var (first, seed) = await ClusterNodes.StartSeedAsync(settings);
        await using var _ = first;
        await using var second = await ClusterNodes.StartMemberAsync(seed, settings);
        await ClusterNodes.AwaitMembersUpAsync(first, second);
        var userId = Guid.NewGuid().ToString();
        var stream = await first.ConnectAsync(userId);

        using var refused = await second.Client.GetAsync(BrokerHost.StreamPath(userId), HttpCompletionOption.ResponseHeadersRead);
        await using var otherUser = await second.ConnectAsync(Guid.NewGuid().ToString());

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Contains("MaxConnectionsPerUser", await refused.Content.ReadAsStringAsync());
        await stream.DisposeAsync();
        await Eventually.HoldsAsync(async () =>
        {
            using var again = await second.Client.GetAsync(BrokerHost.StreamPath(userId), HttpCompletionOption.ResponseHeadersRead);
            return again.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(15), "the user's stream on the other node admitted once the first ended");
    }

    [Fact]
    public async Task A_stream_whose_node_is_killed_frees_its_place_once_the_node_is_downed()
    {
        var settings = new Dictionary<string, string>
        {
            ["Sse:Auth:AllowQueryString"] = "true",
            ["Sse:Publish:AllowAnonymous"] = "true",
            ["Sse:MaxConnectionsPerUser"] = "1",
            ["Sse:Cluster:FailureDetectionPause"] = "00:00:02",
            ["Sse:Cluster:DownUnreachableAfter"] = "00:00:02",
        };
        var seedPort = ClusterNodes.FreePort();
        await using var survivor = HostProcess.Start($"akka.tcp://sse@127.0.0.1:{seedPort}", seedPort, settings);
        await Eventually.HoldsAsync(survivor.IsReadyAsync, TimeSpan.FromSeconds(60), "the first node ready");
        await using var dying = HostProcess.Start(survivor.Address, ClusterNodes.FreePort(), settings);
        await Eventually.HoldsAsync(async () => await dying.IsReadyAsync() && (await dying.StatsAsync()).GetProperty("nodes").GetArrayLength() == 2,
            TimeSpan.FromSeconds(60), "two nodes ready");
        var userId = Guid.NewGuid().ToString();
        await using var stream = await dying.ConnectAsync(userId);
        using (var refused = await survivor.Client.GetAsync(BrokerHost.StreamPath(userId), HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        }

        dying.Kill();

        // Downed, its streams are gone from the user's entity (watched, or the entity moved and starts empty).
        await Eventually.HoldsAsync(async () =>
        {
            using var again = await survivor.Client.GetAsync(BrokerHost.StreamPath(userId), HttpCompletionOption.ResponseHeadersRead);
            return again.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(60), "the user's stream admitted on the surviving node");
    }
}
