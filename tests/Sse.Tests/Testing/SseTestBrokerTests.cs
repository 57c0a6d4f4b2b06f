using Akka.Actor;
using Akka.TestKit;
using Akka.Hosting;
using Akka.TestKit.Xunit2;
using Microsoft.Extensions.DependencyInjection;
using Sse.Actors.Broker;
using Sse.Actors.TestKit;

namespace Sse.Tests.Testing;

/// <summary>The TestKit users test their own services with: a broker in-process and probes as connections.</summary>
[Trait("Category", TestCategories.Unit)]
public sealed class SseTestBrokerTests : TestKit
{
    [Fact]
    public async Task A_probe_listening_as_a_user_receives_what_is_sent_to_the_user()
    {
        await using var sse = await SseTestBroker.StartAsync();
        var userId = Guid.NewGuid().ToString();
        var probe = CreateTestProbe();
        await sse.ListenAsUserAsync(probe, userId);

        var id = await sse.Broker.SendToUserAsync(userId, "order-shipped", """{"order":42}""");

        Assert.Equal(new ReceivedSseEvent(id, "order-shipped", """{"order":42}"""), probe.ExpectMsg<ReceivedSseEvent>());
    }

    [Fact]
    public async Task A_probe_of_the_tests_own_actor_system_receives_only_events_no_acknowledgements()
    {
        await using var sse = await SseTestBroker.StartAsync();
        Assert.NotSame(Sys, sse.ActorSystem);
        var userId = Guid.NewGuid().ToString();
        await sse.ListenAsUserAsync(TestActor, userId);

        await sse.Broker.SendToUserAsync(userId, "message", "hello");

        Assert.Equal("hello", Assert.IsType<ReceivedSseEvent>(ExpectMsg<object>()).Data);
    }

    [Fact]
    public async Task A_probe_listening_to_a_topic_receives_the_topics_events()
    {
        await using var sse = await SseTestBroker.StartAsync();
        var probe = CreateTestProbe();
        await sse.ListenToTopicAsync(probe, "approval:pending");

        await sse.Broker.SendToTopicAsync("approval:pending", "task", """{"task_id":"123"}""");

        probe.ExpectMsg<ReceivedSseEvent>(e => e.EventType == "task" && e.Data == """{"task_id":"123"}""");
    }

    [Fact]
    public async Task A_probe_listening_to_a_tenants_topic_receives_only_that_tenants_events()
    {
        await using var sse = await SseTestBroker.StartAsync();
        var (tenantA, tenantB) = (Guid.NewGuid().ToString(), Guid.NewGuid().ToString());
        var (ofA, ofB, noTenant) = (CreateTestProbe(), CreateTestProbe(), CreateTestProbe());
        await sse.ListenToTopicAsync(ofA, "news", tenantA);
        await sse.ListenToTopicAsync(ofB, "news", tenantB);
        await sse.ListenToTopicAsync(noTenant, "news");

        await sse.Broker.SendToTenantTopicAsync(tenantA, "news", "news", "for tenant A");

        Assert.Equal("for tenant A", ofA.ExpectMsg<ReceivedSseEvent>().Data);
        await AssertNextIsAMarkerAsync(ofB, data => sse.Broker.SendToTenantTopicAsync(tenantB, "news", "news", data));
        await AssertNextIsAMarkerAsync(noTenant, data => sse.Broker.SendToTopicAsync("news", "news", data));
    }

    [Fact]
    public async Task A_probe_listening_to_broadcasts_receives_every_broadcast()
    {
        await using var sse = await SseTestBroker.StartAsync();
        var probe = CreateTestProbe();
        await sse.ListenToBroadcastsAsync(probe);

        await sse.Broker.BroadcastAsync("announcement", "maintenance at noon");
        sse.Services.GetRequiredService<IRequiredActor<BrokerActor>>().ActorRef.Tell(new BrokerCommands.Broadcast("announcement", "sent by an actor"));

        Assert.Equal("maintenance at noon", probe.ExpectMsg<ReceivedSseEvent>().Data);
        Assert.Equal("sent by an actor", probe.ExpectMsg<ReceivedSseEvent>().Data);
    }

    [Fact]
    public async Task Nothing_sent_once_listening_returns_is_missed()
    {
        await using var sse = await SseTestBroker.StartAsync();
        var (userId, topic) = (Guid.NewGuid().ToString(), $"orders-{Guid.NewGuid():N}");
        var (user, topicProbe, broadcasts) = (CreateTestProbe(), CreateTestProbe(), CreateTestProbe());

        await sse.ListenAsUserAsync(user, userId);
        await sse.Broker.SendToUserAsync(userId, "first", "");
        await sse.ListenToTopicAsync(topicProbe, topic);
        await sse.Broker.SendToTopicAsync(topic, "first", "");
        await sse.ListenToBroadcastsAsync(broadcasts);
        await sse.Broker.BroadcastAsync("first", "");

        Assert.All(new[] { user, topicProbe, broadcasts }, probe => probe.ExpectMsg<ReceivedSseEvent>(e => e.EventType == "first"));
    }

    [Fact]
    public async Task Events_arrive_in_the_order_sent_and_as_a_browser_parses_them()
    {
        await using var sse = await SseTestBroker.StartAsync();
        var userId = Guid.NewGuid().ToString();
        var probe = CreateTestProbe();
        await sse.ListenAsUserAsync(probe, userId);

        await sse.Broker.SendToUserAsync(userId, "message", "line 1\r\nline 2");
        for (var i = 0; i < 50; i++)
        {
            await sse.Broker.SendToUserAsync(userId, "count", i.ToString());
        }

        Assert.Equal(new ReceivedSseEvent("", "message", "line 1\nline 2"), probe.ExpectMsg<ReceivedSseEvent>() with { Id = "" });
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(i.ToString(), probe.ExpectMsg<ReceivedSseEvent>().Data);
        }
    }

    [Fact]
    public async Task Messages_are_serialized_by_default_and_settings_apply()
    {
        await using var sse = await SseTestBroker.StartAsync(configure: options => options.Settings["Sse:EnableTopics"] = "false");

        Assert.True(sse.ActorSystem.Settings.SerializeAllMessages);
        await Assert.ThrowsAsync<TopicsDisabledException>(() => sse.ListenToTopicAsync(CreateTestProbe(), "news"));
        await Assert.ThrowsAsync<TopicsDisabledException>(() => sse.Broker.SendToTopicAsync("news", "news", "x"));
    }

    [Fact]
    public async Task Disposing_stops_the_brokers_actor_system()
    {
        var sse = await SseTestBroker.StartAsync();
        var system = sse.ActorSystem;
        await sse.ListenToBroadcastsAsync(CreateTestProbe());

        await sse.DisposeAsync();

        Assert.True(system.WhenTerminated.IsCompleted, "the actor system is still running");
        await sse.DisposeAsync();
    }

    /// <summary>
    /// A misrouted event would already sit in the probe's bridge when the right recipient saw it;
    /// a marker sent to the probe's own stream now queues behind it.
    /// </summary>
    private static async Task AssertNextIsAMarkerAsync(TestProbe probe, Func<string, Task> sendToProbesStream)
    {
        var marker = Guid.NewGuid().ToString();
        await sendToProbesStream(marker);
        Assert.Equal(marker, probe.ExpectMsg<ReceivedSseEvent>().Data);
    }
}
