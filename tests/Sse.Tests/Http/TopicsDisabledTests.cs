using System.Net;
using Sse.Actors.Broker;
using Xunit;

namespace Sse.Tests.Http;

[Trait("Category", TestCategories.Http)]
public sealed class TopicsDisabledTests : IAsyncLifetime
{
    private BrokerHost _host = null!;

    public async Task InitializeAsync() => _host = await BrokerHost.StartAsync(new Dictionary<string, string> { ["Sse:EnableTopics"] = "false" });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Stream_asking_for_topics_is_400_when_topics_are_disabled()
    {
        using var response = await _host.Client.GetAsync(BrokerHost.StreamPath(Guid.NewGuid().ToString(), "news"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("disabled", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Sending_to_a_topic_fails_clearly_when_topics_are_disabled()
    {
        await Assert.ThrowsAsync<TopicsDisabledException>(() => _host.Broker.SendToTopicAsync("news", "e", "d"));
        using var response = await _host.SendAsync(new { target_type = "topic", topic = "news", data = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Users_and_broadcasts_still_work_when_topics_are_disabled()
    {
        var userId = Guid.NewGuid().ToString();
        await using var stream = await _host.ConnectAsync(userId);

        await _host.Broker.SendToUserAsync(userId, "n", "to user");
        await _host.Broker.BroadcastAsync("n", "to all");

        // Two paths (user entity, node broker): order across them is not promised.
        string[] received = [(await stream.NextEventAsync()).Data, (await stream.NextEventAsync()).Data];
        Assert.Equal(["to all", "to user"], received.Order());
    }
}
