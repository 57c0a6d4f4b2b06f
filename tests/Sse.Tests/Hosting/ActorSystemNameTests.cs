using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sse.Actors.Hosting;

namespace Sse.Tests.Hosting;

/// <summary><c>Sse:ActorSystemName</c> names the actor system <c>AddSseBroker</c> starts, and is checked before Akka.NET sees it.</summary>
[Trait("Category", TestCategories.Http)]
public sealed class ActorSystemNameTests
{
    [Fact]
    public async Task AddSseBroker_names_its_actor_system_and_node_addresses_from_the_option()
    {
        await using var app = await EmbeddedApp.StartAsync(builder => builder.Services.AddSseBroker(builder.Configuration),
            settings: new Dictionary<string, string?> { ["Sse:ActorSystemName"] = "notifications-eu" });

        Assert.Equal("notifications-eu", app.ActorSystem.Name);
        Assert.StartsWith("akka.tcp://notifications-eu@127.0.0.1:", Akka.Cluster.Cluster.Get(app.ActorSystem).SelfAddress.ToString());
    }

    [Fact]
    public async Task A_name_Akka_would_refuse_stops_start_up_naming_the_option()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => EmbeddedApp.StartAsync(builder => builder.Services.AddSseBroker(builder.Configuration),
            settings: new Dictionary<string, string?> { ["Sse:ActorSystemName"] = "notifications.eu" }));

        Assert.Contains("Sse:ActorSystemName", failure.Message, StringComparison.Ordinal);
    }
}
