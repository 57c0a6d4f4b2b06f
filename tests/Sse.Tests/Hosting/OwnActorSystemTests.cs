using Microsoft.Extensions.Configuration;
using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Sse.Actors.Broker;
using Sse.Actors.Hosting;
using Sse.Tests.Http;

namespace Sse.Tests.Hosting;

/// <summary>An app that runs its own Akka.NET adds the broker to its actor system, beside its own actors, with one cluster.</summary>
[Trait("Category", TestCategories.Http)]
public sealed class OwnActorSystemTests
{
    [Fact]
    public async Task The_broker_runs_in_the_apps_own_actor_system_and_the_apps_actor_publishes_through_it()
    {
        await using var app = await StartAsync((akka, services) => akka
            .WithRemoting(new RemoteOptions { HostName = "127.0.0.1", Port = 0 })
            .WithClustering(new ClusterOptions { Roles = ["shop"] })
            .WithSseBroker(services)
            .WithActors((system, registry, resolver) =>
            {
                registry.Register<OrderDesk>(system.ActorOf(resolver.Props<OrderDesk>(), "orders"));
                // The app decides how its nodes join; this one is a cluster of one.
                var cluster = Akka.Cluster.Cluster.Get(system);
                cluster.Join(cluster.SelfAddress);
            }));
        var customer = Guid.NewGuid().ToString();
        await using var stream = await SseStream.OpenAsync(app.Client, BrokerHost.StreamPath(customer));
        await stream.WelcomeAsync();

        var eventId = await Orders(app).Ask<string>(new OrderDesk.Ship(customer), BrokerHost.FactTimeout);

        var shipped = await stream.NextEventAsync();
        Assert.Equal("order-shipped", shipped.EventType);
        Assert.Equal(customer, shipped.Data);
        Assert.Equal(eventId, shipped.EventId);
        // One actor system, the app's, with the app's role and the broker's beside it: the cluster was configured once.
        Assert.Equal("shop", app.ActorSystem.Name);
        var self = Akka.Cluster.Cluster.Get(app.ActorSystem).SelfMember;
        Assert.Contains("shop", self.Roles);
        Assert.Contains("sse-shards-100", self.Roles);
        // The broker's tuned defaults reach the app's system too, under its own settings.
        Assert.Equal(4 * 1024 * 1024, app.ActorSystem.Settings.Config.GetByteSize("akka.remote.dot-netty.tcp.maximum-frame-size"));
        Assert.Equal(Orders(app).Path.Address, app.Services.GetRequiredService<IRequiredActor<BrokerActor>>().ActorRef.Path.Address);
    }

    [Fact]
    public async Task Without_clustering_start_up_stops_naming_what_to_add()
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync((akka, services) => akka.WithSseBroker(services)));

        Assert.Contains(".WithClustering(...)", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Broker_services_without_WithSseBroker_stop_start_up_naming_it()
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync((akka, _) => akka
            .WithRemoting(new RemoteOptions { HostName = "127.0.0.1", Port = 0 })
            .WithClustering()));

        Assert.Contains(".WithSseBroker(services)", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithSseBroker_without_the_broker_services_names_AddSseBrokerServices()
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync((akka, services) => akka
            .WithRemoting(new RemoteOptions { HostName = "127.0.0.1", Port = 0 })
            .WithClustering()
            .WithSseBroker(services), addServices: false));

        Assert.Contains("AddSseBrokerServices", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cluster_bootstrap_settings_with_the_apps_own_actor_system_stop_start_up_saying_where_bootstrap_goes()
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync((akka, services) => akka
            .WithRemoting(new RemoteOptions { HostName = "127.0.0.1", Port = 0 })
            .WithClustering()
            .WithSseBroker(services), settings: new Dictionary<string, string?>
            {
                ["Sse:Cluster:Bootstrap:Discovery"] = "Config",
                ["Sse:Cluster:Bootstrap:Endpoints:0"] = "127.0.0.1:8558",
                ["Sse:Cluster:Bootstrap:RequiredContactPoints"] = "1",
            }));

        Assert.Contains("Sse:Cluster:Bootstrap", failure.Message, StringComparison.Ordinal);
        Assert.Contains("WithClusterBootstrap", failure.Message, StringComparison.Ordinal);
    }

    private static IActorRef Orders(EmbeddedApp app) => app.Services.GetRequiredService<IRequiredActor<OrderDesk>>().ActorRef;

    private static Task<EmbeddedApp> StartAsync(Action<AkkaConfigurationBuilder, IServiceProvider> configureAkka, bool addServices = true,
        Dictionary<string, string?>? settings = null) =>
        EmbeddedApp.StartAsync(builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings ?? []);
            if (addServices)
            {
                builder.Services.AddSseBrokerServices(builder.Configuration);
            }
            builder.Services.AddAkka("shop", configureAkka);
        });

    /// <summary>The app's own actor: ships an order and tells the customer through the broker of the same actor system.</summary>
    private sealed class OrderDesk : ReceiveActor
    {
        public sealed record Ship(string CustomerId);

        public OrderDesk(IRequiredActor<BrokerActor> broker)
        {
            Receive<Ship>(order => broker.ActorRef.Ask<object>(new BrokerCommands.SendToUser(order.CustomerId, "order-shipped", order.CustomerId), BrokerHost.FactTimeout)
                .PipeTo(Sender, success: reply => reply is BrokerCommands.PublishAccepted accepted ? accepted.EventId : reply.ToString()));
        }
    }
}
