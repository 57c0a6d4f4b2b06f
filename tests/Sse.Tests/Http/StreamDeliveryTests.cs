using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Akka.Actor;
using Sse.Actors.Streams;
using Xunit;

namespace Sse.Tests.Http;

[Trait("Category", TestCategories.Http)]
public sealed class StreamDeliveryTests(SharedBrokerHost fixture) : IClassFixture<SharedBrokerHost>
{
    private BrokerHost Host => fixture.Host;

    [Fact]
    public async Task Stream_starts_with_the_event_stream_headers_and_a_welcome_with_retry()
    {
        var userId = Guid.NewGuid().ToString();
        await using var stream = await SseStream.OpenAsync(Host.Client, BrokerHost.StreamPath(userId));

        var headers = stream.Response;
        Assert.Equal("text/event-stream", headers.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no-cache", headers.Headers.CacheControl?.ToString());
        Assert.Equal("no", headers.Headers.GetValues("X-Accel-Buffering").Single());

        var welcome = await stream.NextEventAsync();
        Assert.Equal("message", welcome.EventType);
        Assert.False(string.IsNullOrEmpty(welcome.EventId));
        // Drawn per connection between Sse:ReconnectDelay and Sse:ReconnectDelayMax (unset: twice it).
        Assert.InRange(welcome.ReconnectionInterval!.Value, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(6));
        using var data = JsonDocument.Parse(welcome.Data);
        Assert.Equal("welcome", data.RootElement.GetProperty("type").GetString());
        Assert.True(Guid.TryParse(data.RootElement.GetProperty("client_id").GetString(), out _));
        Assert.True(DateTimeOffset.TryParse(data.RootElement.GetProperty("timestamp").GetString(), out _));
    }

    [Fact]
    public async Task Event_sent_to_a_user_reaches_that_users_stream()
    {
        var userId = Guid.NewGuid().ToString();
        await using var stream = await Host.ConnectAsync(userId);

        var eventId = await Host.Broker.SendToUserAsync(userId, "notification", """{"title":"Hello"}""");

        var item = await stream.NextEventAsync();
        Assert.Equal("notification", item.EventType);
        Assert.Equal("""{"title":"Hello"}""", item.Data);
        Assert.Equal(eventId, item.EventId);
    }

    [Fact]
    public async Task Event_sent_to_a_user_does_not_reach_another_user()
    {
        var alice = Guid.NewGuid().ToString();
        var bob = Guid.NewGuid().ToString();
        await using var bobStream = await Host.ConnectAsync(bob);

        await Host.Broker.SendToUserAsync(alice, "notification", "for alice");
        await Host.Broker.SendToUserAsync(bob, "notification", "for bob");

        Assert.Equal("for bob", (await bobStream.NextEventAsync()).Data);
    }

    [Fact]
    public async Task Topic_event_reaches_its_subscribers_and_nobody_else()
    {
        var topic = $"news-{Guid.NewGuid():N}";
        await using var subscriber = await Host.ConnectAsync(Guid.NewGuid().ToString(), $"{topic},other-{Guid.NewGuid():N}");
        await using var outsider = await Host.ConnectAsync(Guid.NewGuid().ToString(), $"other-{Guid.NewGuid():N}");

        await Host.Broker.SendToTopicAsync(topic, "task", """{"task_id":"123"}""");
        var marker = Guid.NewGuid().ToString();

        var received = await subscriber.NextEventAsync();
        Assert.Equal(("task", """{"task_id":"123"}"""), (received.EventType, received.Data));

        // The entity had fanned the event out before the subscriber read it, so a broadcast sent now
        // lands in the outsider's mailbox after anything the entity gave it: its next event proves absence.
        await Host.Broker.BroadcastAsync("marker", marker);
        Assert.Equal(marker, (await outsider.NextEventAsync()).Data);
    }

    [Fact]
    public async Task Broadcast_reaches_a_connection_without_topics()
    {
        await using var plain = await Host.ConnectAsync(Guid.NewGuid().ToString());
        await using var withTopic = await Host.ConnectAsync(Guid.NewGuid().ToString(), $"t-{Guid.NewGuid():N}");

        await Host.Broker.BroadcastAsync("announcement", "maintenance at noon");

        Assert.Equal("maintenance at noon", (await plain.NextEventAsync()).Data);
        Assert.Equal("maintenance at noon", (await withTopic.NextEventAsync()).Data);
    }

    [Fact]
    public async Task One_user_with_three_connections_gets_each_event_once_per_connection()
    {
        var userId = Guid.NewGuid().ToString();
        var streams = new[] { await Host.ConnectAsync(userId), await Host.ConnectAsync(userId), await Host.ConnectAsync(userId) };
        try
        {
            await Host.Broker.SendToUserAsync(userId, "notification", "first");
            await Host.Broker.SendToUserAsync(userId, "notification", "second");
            // Same path as the events, so it arrives after them: anything doubled would come before it.
            await Host.Broker.SendToUserAsync(userId, "marker", "end");

            foreach (var stream in streams)
            {
                var data = new List<string>();
                for (var i = 0; i < 3; i++)
                {
                    data.Add((await stream.NextEventAsync()).Data);
                }
                Assert.Equal(["first", "second", "end"], data);
            }
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Connection_without_topics_gets_heartbeats()
    {
        await using var stream = await Host.ConnectAsync(Guid.NewGuid().ToString());

        for (var i = 0; i < 2; i++)
        {
            var heartbeat = await stream.NextAsync();
            Assert.Equal(("heartbeat", "ping"), (heartbeat.EventType, heartbeat.Data));
            Assert.False(string.IsNullOrEmpty(heartbeat.EventId));
        }
    }

    [Fact]
    public async Task Every_event_carries_an_id_and_ids_differ()
    {
        var userId = Guid.NewGuid().ToString();
        await using var stream = await Host.ConnectAsync(userId);

        await Host.Broker.SendToUserAsync(userId, "a", "1");
        await Host.Broker.SendToUserAsync(userId, "b", "2");

        var first = await stream.NextEventAsync();
        var second = await stream.NextEventAsync();
        Assert.False(string.IsNullOrEmpty(first.EventId));
        Assert.False(string.IsNullOrEmpty(second.EventId));
        Assert.NotEqual(first.EventId, second.EventId);
    }

    [Fact]
    public async Task Multi_line_data_arrives_as_the_same_lines()
    {
        var userId = Guid.NewGuid().ToString();
        await using var stream = await Host.ConnectAsync(userId);

        await Host.Broker.SendToUserAsync(userId, "notification", "one\ntwo\r\nthree\rfour");

        Assert.Equal("one\ntwo\nthree\nfour", (await stream.NextEventAsync()).Data);
    }

    [Fact]
    public async Task Data_cannot_inject_fields_or_events()
    {
        var userId = Guid.NewGuid().ToString();
        await using var stream = await Host.ConnectAsync(userId);
        const string attack = "harmless\n\nevent: evil\nid: 666\ndata: injected\r\n\r\nretry: 1";

        await Host.Broker.SendToUserAsync(userId, "notification", attack);
        await Host.Broker.SendToUserAsync(userId, "marker", "after");

        var item = await stream.NextEventAsync();
        Assert.Equal("notification", item.EventType);
        Assert.NotEqual("666", item.EventId);
        Assert.Equal(attack.Replace("\r\n", "\n"), item.Data);
        var next = await stream.NextEventAsync();
        Assert.Equal(("marker", "after"), (next.EventType, next.Data));
    }

    [Fact]
    public async Task Send_endpoint_delivers_to_user_topic_and_everyone()
    {
        var userId = Guid.NewGuid().ToString();
        var topic = $"approval:pending-{Guid.NewGuid():N}";
        await using var stream = await Host.ConnectAsync(userId, topic);

        var toUser = await Host.SendAsync(new { target_type = "user", user_id = userId, @event = "notification", data = "to user" });
        var toTopic = await Host.SendAsync(new { target_type = "topic", topic, @event = "task", data = new { task_id = 7 } });
        var toAll = await Host.SendAsync(new { target_type = "broadcast", data = "to all" });

        foreach (var response in new[] { toUser, toTopic, toAll })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(body.GetProperty("success").GetBoolean());
            Assert.False(string.IsNullOrEmpty(body.GetProperty("event_id").GetString()));
        }
        // Three paths (user entity, topic entity, node broker): order across them is not promised.
        var received = new List<(string, string)>();
        for (var i = 0; i < 3; i++)
        {
            var item = await stream.NextEventAsync();
            received.Add((item.EventType, item.Data));
        }
        Assert.Equal(
            [("message", "to all"), ("notification", "to user"), ("task", """{"task_id":7}""")],
            received.Order());
    }

    [Fact]
    public async Task Stream_keeps_receiving_after_its_user_entity_stops()
    {
        var userId = Guid.NewGuid().ToString();
        await using var stream = await Host.ConnectAsync(userId);
        await Host.Broker.SendToUserAsync(userId, "before", "1");
        Assert.Equal("1", (await stream.NextEventAsync()).Data);

        var entity = await Host.ActorSystem
            .ActorSelection($"/system/sharding/sse-user/*/{Uri.EscapeDataString(new StreamKey.User(userId).EntityId)}")
            .ResolveOne(BrokerHost.FactTimeout);
        entity.Tell(PoisonPill.Instance);

        // The client re-subscribes to the entity's new incarnation; keep sending until one arrives. A send that starts the
        // new incarnation before the client is back is recorded with nobody to hear it (history is off): the client is
        // then told with a reset of its user's stream, never left to miss it silently.
        var received = await RetryUntilReceivedAsync(stream, () => Host.Broker.SendToUserAsync(userId, "after", "2"));
        while (received.EventType == "reset")
        {
            using (var reset = System.Text.Json.JsonDocument.Parse(received.Data))
            {
                Assert.Equal(["user"], reset.RootElement.GetProperty("streams").EnumerateArray().Select(s => s.GetString()));
            }
            received = await RetryUntilReceivedAsync(stream, () => Host.Broker.SendToUserAsync(userId, "after", "2"));
        }
        Assert.Equal("2", received.Data);
    }

    private static async Task<System.Net.ServerSentEvents.SseItem<string>> RetryUntilReceivedAsync(SseStream stream, Func<Task> send)
    {
        var deadline = DateTime.UtcNow + BrokerHost.FactTimeout;
        while (true)
        {
            try
            {
                // A send that reached the stopping entity is never recorded: it fails with PublishOutcomeUnknownException, a TimeoutException.
                await send();
                return await stream.NextEventAsync(TimeSpan.FromMilliseconds(500));
            }
            catch (TimeoutException) when (DateTime.UtcNow < deadline)
            {
            }
        }
    }
}
