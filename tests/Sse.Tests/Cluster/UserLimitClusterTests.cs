using System.Net;
using Sse.Tests.Http;

namespace Sse.Tests.Cluster;

/// <summary><c>Sse:MaxConnectionsPerUser</c> counts a user's streams on every node: the user's entity admits them.</summary>
[Collection(ClusterCollection.Name)]
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
        var userId = Guid.NewGuid();
        var stream = await first.ConnectAsync(userId);

        using var refused = await second.Client.GetAsync(BrokerHost.StreamPath(userId), HttpCompletionOption.ResponseHeadersRead);
        await using var otherUser = await second.ConnectAsync(Guid.NewGuid());

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
}
