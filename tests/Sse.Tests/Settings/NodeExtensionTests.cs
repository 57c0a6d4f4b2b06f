using Akka.Actor;
using Sse.Actors.Broker;
using Sse.Actors.Delivery;

namespace Sse.Tests.Settings;

/// <summary>The node's extensions run on the settings the broker gives them as it starts; used before, they say what is missing.</summary>
[Trait("Category", TestCategories.Unit)]
public sealed class NodeExtensionTests : IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("bare", "akka.loglevel = OFF\nakka.stdout-loglevel = OFF");

    [Fact]
    public void Publish_receipts_used_before_they_were_started_name_what_is_missing()
    {
        var error = Assert.Throws<InvalidOperationException>(() => PublishReceipts.For(_system));

        Assert.StartsWith("PublishReceipts has no settings on actor system 'bare': WithSseBroker starts it", error.Message);
    }

    [Fact]
    public void Deliveries_used_before_they_were_started_name_what_is_missing() =>
        Assert.StartsWith("NodeDeliveries has no settings", Assert.Throws<InvalidOperationException>(() => NodeDeliveries.Of(_system)).Message);

    [Fact]
    public void An_extension_runs_on_the_settings_it_was_started_with_and_is_not_started_again_with_others()
    {
        var receipts = PublishReceipts.Start(_system, new PublishReceiptsSettings(MaxPending: 7));

        Assert.Same(receipts, PublishReceipts.For(_system));
        Assert.Equal(7, PublishReceipts.For(_system).MaxPending);
        Assert.Same(receipts, PublishReceipts.Start(_system, new PublishReceiptsSettings(MaxPending: 7)));
        Assert.Throws<InvalidOperationException>(() => PublishReceipts.Start(_system, new PublishReceiptsSettings(MaxPending: 8)));
    }

    public void Dispose() => _system.Dispose();
}
