using Akka.TestKit.Xunit2;
using Microsoft.Extensions.DependencyInjection;
using Sse.Actors.TestKit;
using Sse.Host.Samples.Notifications;

namespace Sse.Tests.Examples;

/// <summary>The sample service's own rules; the README's example test is Docs/Samples/TestingSamples.cs.</summary>
[Trait("Category", TestCategories.Unit)]
public sealed class NotificationServiceRulesTests : TestKit
{
    [Fact]
    public async Task A_created_notification_is_stored()
    {
        await using var sse = await SseTestBroker.StartAsync(services => services.AddNotifications());
        var recipient = Guid.NewGuid().ToString();
        var store = sse.Services.GetRequiredService<INotificationStore>();

        var created = await sse.Services.GetRequiredService<NotificationService>().CreateAsync(recipient, "Stored", "");

        Assert.Equal([created], await store.ForRecipientAsync(recipient, CancellationToken.None));
    }

    [Fact]
    public async Task A_notification_without_a_recipient_is_refused_and_not_stored()
    {
        await using var sse = await SseTestBroker.StartAsync(services => services.AddNotifications());
        var notifications = sse.Services.GetRequiredService<NotificationService>();

        await Assert.ThrowsAsync<ArgumentException>(() => notifications.CreateAsync(Guid.Empty.ToString(), "Lost", ""));

        Assert.Empty(await sse.Services.GetRequiredService<INotificationStore>().ForRecipientAsync(Guid.Empty.ToString(), CancellationToken.None));
    }
}
