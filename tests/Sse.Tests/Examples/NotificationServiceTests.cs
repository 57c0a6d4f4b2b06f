using System.Text.Json;
using Akka.TestKit.Xunit2;
using Microsoft.Extensions.DependencyInjection;
using Sse.Actors.Testing;
using Sse.Host.Samples.Notifications;

namespace Sse.Tests.Examples;

/// <summary>How to test your own service that pushes events: the README's "Testing your own services".</summary>
public sealed class NotificationServiceTests : TestKit
{
    [Fact]
    public async Task Creating_a_notification_pushes_it_to_the_recipient()
    {
        await using var sse = await SseTestBroker.StartAsync(services => services.AddNotifications());
        var recipient = Guid.NewGuid();
        var browser = CreateTestProbe();
        await sse.ListenAsUserAsync(browser, recipient);   // returns once subscribed: nothing after it is missed

        var notifications = sse.Services.GetRequiredService<NotificationService>();
        var created = await notifications.CreateAsync(recipient, "Invoice approved", "Invoice 42 was approved.");

        var pushed = browser.ExpectMsg<ReceivedSseEvent>(e => e.EventType == "notification");
        Assert.Equal(created, JsonSerializer.Deserialize<Notification>(pushed.Data, Notification.Json));
    }

    [Fact]
    public async Task A_created_notification_is_stored()
    {
        await using var sse = await SseTestBroker.StartAsync(services => services.AddNotifications());
        var recipient = Guid.NewGuid();
        var store = sse.Services.GetRequiredService<INotificationStore>();

        var created = await sse.Services.GetRequiredService<NotificationService>().CreateAsync(recipient, "Stored", "");

        Assert.Equal([created], await store.ForRecipientAsync(recipient, CancellationToken.None));
    }

    [Fact]
    public async Task A_notification_without_a_recipient_is_refused_and_not_stored()
    {
        await using var sse = await SseTestBroker.StartAsync(services => services.AddNotifications());
        var notifications = sse.Services.GetRequiredService<NotificationService>();

        await Assert.ThrowsAsync<ArgumentException>(() => notifications.CreateAsync(Guid.Empty, "Lost", ""));

        Assert.Empty(await sse.Services.GetRequiredService<INotificationStore>().ForRecipientAsync(Guid.Empty, CancellationToken.None));
    }
}
