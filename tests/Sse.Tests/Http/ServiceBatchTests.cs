using Sse.Actors.Api;
using Sse.Actors.Broker;

namespace Sse.Tests.Http;

/// <summary><see cref="ISseBroker.SendAsync"/> and <see cref="ISseBroker.SendBatchAsync"/>: a service's batch, one result per message.</summary>
[Trait("Category", TestCategories.Http)]
public sealed class ServiceBatchTests
{
    [Fact]
    public async Task A_batch_is_delivered_in_order_with_the_ids_it_answered_and_an_invalid_message_fails_alone()
    {
        await using var host = await BrokerHost.StartAsync(new Dictionary<string, string> { ["Sse:HistorySize"] = "100" });
        var userId = Guid.NewGuid().ToString();
        await using var stream = await host.ConnectAsync(userId, "news");
        SseMessage[] messages =
        [
            new SseMessage.User(userId, "note", "first"),
            new SseMessage.User(userId, "bad\nname", "refused"),
            new SseMessage.Topic("news", "note", "second"),
            new SseMessage.User(Guid.Empty.ToString(), "note", "refused"),
            new SseMessage.Broadcast("note", "third", MessageId: "m-3"),
            new SseMessage.User(userId, "note", "fourth", MessageId: "m-4"),
        ];

        var results = await host.Broker.SendBatchAsync(messages);

        Assert.Equal([true, false, true, false, true, true], results.Select(r => r.Success));
        Assert.Equal("eventName", Assert.IsAssignableFrom<ArgumentException>(results[1].Error).ParamName);
        Assert.Equal("userId", Assert.IsAssignableFrom<ArgumentException>(results[3].Error).ParamName);
        Assert.Null(results[1].EventId);
        var arrived = new List<(string? Id, string Data)>();
        for (var i = 0; i < 4; i++)
        {
            var item = await stream.NextEventAsync();
            arrived.Add((item.EventId, item.Data));
        }
        // One connection, each stream in its own order; the connection's ids are its positions, so compare the data.
        Assert.Equal(["first", "fourth", "second", "third"], arrived.Select(a => a.Data).Order(StringComparer.Ordinal));
        Assert.True(arrived.FindIndex(a => a.Data == "first") < arrived.FindIndex(a => a.Data == "fourth"));

        // A retry of the named messages is answered with the first ids and delivers nothing again.
        var retried = await host.Broker.SendBatchAsync([messages[4], messages[5]]);
        Assert.Equal([results[4].EventId, results[5].EventId], retried.Select(r => r.EventId));
        await host.Broker.SendAsync(new SseMessage.User(userId, "marker", "after the batch"));
        Assert.Equal("marker", (await stream.NextEventAsync()).EventType);
    }

    [Fact]
    public async Task SendAsync_takes_any_kind_of_message_and_checks_it_like_the_typed_sends()
    {
        await using var host = await BrokerHost.StartAsync();
        var userId = Guid.NewGuid().ToString();
        await using var stream = await host.ConnectAsync(userId, "news");

        await host.Broker.SendAsync(new SseMessage.Topic("news", "note", "to the topic"));
        Assert.Equal("to the topic", (await stream.NextEventAsync()).Data);
        await host.Broker.SendAsync(new SseMessage.User(userId, "note", "to the user"));
        Assert.Equal("to the user", (await stream.NextEventAsync()).Data);

        // Thrown at once, on the caller's thread, as the typed sends do.
        Assert.Equal("topic", Assert.Throws<ArgumentException>(() => { _ = host.Broker.SendAsync(new SseMessage.Topic("", "note", "x")); }).ParamName);
        Assert.Throws<ArgumentNullException>(() => { _ = host.Broker.SendAsync(null!); });
        await Assert.ThrowsAsync<ArgumentNullException>(() => host.Broker.SendBatchAsync(null!));
    }

    [Fact]
    public async Task An_empty_batch_answers_at_once_with_no_results()
    {
        await using var host = await BrokerHost.StartAsync();

        Assert.Empty(await host.Broker.SendBatchAsync([]));
    }
}
