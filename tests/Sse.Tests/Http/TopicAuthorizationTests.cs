using System.Net;

namespace Sse.Tests.Http;

[Trait("Category", TestCategories.Http)]
public sealed class TopicAuthorizationTests
{
    [Fact]
    public async Task Only_configured_topics_may_be_subscribed_and_a_denied_one_is_403_before_the_stream()
    {
        await using var host = await BrokerHost.StartAsync(new Dictionary<string, string>
        {
            ["Sse:Auth:AllowedTopics:0"] = "news",
            ["Sse:Auth:AllowedTopics:1"] = "orders:*",
        });

        await using var allowed = await host.ConnectAsync(Guid.NewGuid().ToString(), "news,orders:42");
        using var denied = await host.Client.GetAsync(BrokerHost.StreamPath(Guid.NewGuid().ToString(), "news,payroll"), HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.NotEqual("text/event-stream", denied.Content.Headers.ContentType?.MediaType);
        Assert.Contains("payroll", await denied.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Outside_Development_no_topic_is_allowed_until_configured()
    {
        await using var host = await BrokerHost.StartAsync(new Dictionary<string, string>
        {
            ["environment"] = "Production",
            ["Sse:HeartbeatInterval"] = "00:00:05",
            ["Sse:Auth:AllowQueryString"] = "true",
        });

        using var denied = await host.Client.GetAsync(BrokerHost.StreamPath(Guid.NewGuid().ToString(), "news"));
        await using var withoutTopics = await host.ConnectAsync(Guid.NewGuid().ToString());

        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
    }
}
