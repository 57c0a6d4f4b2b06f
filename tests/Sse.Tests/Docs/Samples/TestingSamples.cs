// The README's "Testing your own services": a real test, run with the others.
using System.Text.Json; // scaffold
using Akka.TestKit.Xunit2; // scaffold
using Microsoft.Extensions.DependencyInjection; // scaffold
using Sse.Actors.TestKit; // scaffold
using Sse.Host.Samples.Notifications; // scaffold

namespace Sse.Tests.Docs.Samples.Testing; // scaffold

[Trait("Category", TestCategories.Unit)] // scaffold
public sealed class NotificationServiceTests : TestKit
{
    [Fact]
    public async Task Creating_a_notification_pushes_it_to_the_recipient()
    {
        await using var sse = await SseTestBroker.StartAsync(services => services.AddNotifications());
        var recipient = "auth0|5f2a0c9b8e7d";               // any user id: a UUID, a number, an e-mail address...
        var browser = CreateTestProbe();
        await sse.ListenAsUserAsync(browser, recipient);   // returns once subscribed: nothing after it is missed

        var notifications = sse.Services.GetRequiredService<NotificationService>();
        var created = await notifications.CreateAsync(recipient, "Invoice approved", "Invoice 42 was approved.");

        var pushed = browser.ExpectMsg<ReceivedSseEvent>(e => e.EventType == "notification");
        Assert.Equal(created, JsonSerializer.Deserialize<Notification>(pushed.Data, Notification.Json));
    }
}
