using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sse.Host.Samples.Notifications;
using Sse.Tests.Http;

namespace Sse.Tests.Examples;

/// <summary><c>POST /api/v1/notifications</c> of the shipped host, end to end through a real stream.</summary>
[Trait("Category", TestCategories.Http)]
public sealed class NotificationEndpointTests(SharedBrokerHost shared) : IClassFixture<SharedBrokerHost>
{
    private BrokerHost Host => shared.Host;

    [Fact]
    public async Task Posting_a_notification_answers_201_and_pushes_it_to_the_recipients_stream()
    {
        var recipient = Guid.NewGuid().ToString();
        await using var stream = await Host.ConnectAsync(recipient);

        using var response = await Host.Client.PostAsJsonAsync(NotificationEndpoints.Path,
            new { recipient_id = recipient, title = "Invoice approved", content = "Invoice 42 was approved." });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<Notification>(Notification.Json);
        var pushed = await stream.NextEventAsync();
        Assert.Equal(NotificationService.EventName, pushed.EventType);
        Assert.Equal(created, JsonSerializer.Deserialize<Notification>(pushed.Data, Notification.Json));
    }

    [Theory]
    [InlineData("""{"recipient_id":"00000000-0000-0000-0000-000000000000","title":"t"}""")]
    [InlineData("""{"recipient_id":"bad\u0000id","title":"t"}""")]
    [InlineData("""{"recipient_id":"6f1c2a4e-0000-4000-8000-000000000001"}""")]
    [InlineData("not json")]
    public async Task A_bad_body_is_refused_with_400(string body)
    {
        using var response = await Host.Client.PostAsync(NotificationEndpoints.Path,
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"success\":false", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Creating_a_notification_needs_the_publisher_credential_like_send()
    {
        await using var host = await BrokerHost.StartAsync(new Dictionary<string, string> { ["Sse:Publish:ApiKeys:0"] = "right-key" });
        var body = new { recipient_id = Guid.NewGuid().ToString(), title = "t" };

        using var withoutKey = await host.Client.PostAsJsonAsync(NotificationEndpoints.Path, body);
        using var withKey = new HttpRequestMessage(HttpMethod.Post, NotificationEndpoints.Path) { Content = JsonContent.Create(body) };
        withKey.Headers.Add("X-Api-Key", "right-key");

        Assert.Equal(HttpStatusCode.Unauthorized, withoutKey.StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await host.Client.SendAsync(withKey)).StatusCode);
    }
}
