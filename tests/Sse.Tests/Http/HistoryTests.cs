using System.Net.ServerSentEvents;
using System.Text.Json;
using Sse.Actors.Events;
using Xunit;
using Sse.Actors.History;

namespace Sse.Tests.Http;

/// <summary>
/// A host with history on, kept long enough (empty entities live 5 minutes) for the tests' reconnects;
/// the history store is the subclass's.
/// </summary>
public abstract class HistoryBrokerHost : IAsyncLifetime
{
    // Holds a reconnect test's missed and racing live events (1 + 3 + 3 per stream, broadcasts included).
    public const int HistorySize = 8;

    public BrokerHost Host { get; private set; } = null!;

    /// <summary>The <c>Sse:HistoryStore</c> settings.</summary>
    protected abstract Task<Dictionary<string, string>> StoreSettingsAsync();

    public virtual async Task InitializeAsync()
    {
        var settings = await StoreSettingsAsync();
        settings["Sse:HistorySize"] = HistorySize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Sse:EmptyEntityPassivation"] = "00:05:00";
        Host = await BrokerHost.StartAsync(settings);
    }

    public virtual async Task DisposeAsync() => await Host.DisposeAsync();
}

public sealed class MemoryHistoryHost : HistoryBrokerHost
{
    protected override Task<Dictionary<string, string>> StoreSettingsAsync() => Task.FromResult(new Dictionary<string, string>());
}

/// <summary>The guarantees of docs/history.md, the same whichever store keeps the history.</summary>
public abstract class HistoryContract(HistoryBrokerHost fixture)
{
    protected BrokerHost Host => fixture.Host;

    [Fact]
    public async Task A_first_connection_gets_no_reset_and_its_welcome_id_names_each_of_its_streams()
    {
        var userId = Guid.NewGuid().ToString();
        await using var stream = await Host.ConnectAsync(userId, "a,b");

        Assert.True(PositionVector.TryParse(stream.WelcomeId, 4, out var start));
        // The broadcasts' slot is last; other tests of this host may have broadcast already.
        Assert.All(start[..3], position => Assert.Equal(0, position.Seq));
        await Host.Broker.SendToUserAsync(userId, "update", "live");
        var live = await stream.NextEventAsync();
        Assert.Equal(("update", "live"), (live.EventType, live.Data));
        Assert.True(PositionVector.TryParse(live.EventId, 4, out var after));
        Assert.Equal(new StreamPosition(start[0].Epoch, 1), after[0]);
    }

    [Fact]
    public async Task Reconnecting_with_the_last_id_replays_what_each_stream_missed_in_order_then_live_events()
    {
        var userId = Guid.NewGuid().ToString();
        var topic = $"news-{Guid.NewGuid():N}";
        var lastId = await LastIdAfterOneEventAsync(userId, topic);
        for (var i = 1; i <= 3; i++)
        {
            await Host.Broker.SendToUserAsync(userId, "update", $"user-{i}");
            await Host.Broker.SendToTopicAsync(topic, "update", $"topic-{i}");
        }

        // Live events race the reconnect: each must arrive once, after the stream's replay.
        var reconnecting = SseStream.OpenAsync(Host.Client, BrokerHost.StreamPath(userId, topic), lastId);
        for (var i = 1; i <= 3; i++)
        {
            await Host.Broker.SendToUserAsync(userId, "update", $"user-live-{i}");
            await Host.Broker.SendToTopicAsync(topic, "update", $"topic-live-{i}");
        }
        await using var second = await reconnecting;
        await second.WelcomeAsync();

        var received = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            received.Add((await second.NextEventAsync()).Data);
        }
        Assert.Equal(["user-1", "user-2", "user-3", "user-live-1", "user-live-2", "user-live-3"], received.Where(d => d.StartsWith("user-", StringComparison.Ordinal)));
        Assert.Equal(["topic-1", "topic-2", "topic-3", "topic-live-1", "topic-live-2", "topic-live-3"], received.Where(d => d.StartsWith("topic-", StringComparison.Ordinal)));
        await AssertNextIsOnlyAsync(second, userId);
    }

    [Fact]
    public async Task The_last_event_id_query_parameter_resumes_like_the_header()
    {
        var userId = Guid.NewGuid().ToString();
        var lastId = await LastIdAfterOneEventAsync(userId);
        await Host.Broker.SendToUserAsync(userId, "update", "missed");

        await using var second = await SseStream.OpenAsync(Host.Client, BrokerHost.StreamPath(userId) + $"&last_event_id={Uri.EscapeDataString(lastId)}");
        await second.WelcomeAsync();

        Assert.Equal("missed", (await second.NextEventAsync()).Data);
        await AssertNextIsOnlyAsync(second, userId);
    }

    [Fact]
    public async Task A_welcome_id_resumes_everything_sent_after_it()
    {
        var userId = Guid.NewGuid().ToString();
        string welcomeId;
        await using (var first = await Host.ConnectAsync(userId))
        {
            welcomeId = first.WelcomeId!;
        }
        await Host.Broker.SendToUserAsync(userId, "update", "missed");

        await using var second = await SseStream.OpenAsync(Host.Client, BrokerHost.StreamPath(userId), welcomeId);
        await second.WelcomeAsync();

        Assert.Equal("missed", (await second.NextEventAsync()).Data);
    }

    [Fact]
    public async Task A_gap_larger_than_the_history_gets_a_reset_then_live_events()
    {
        var userId = Guid.NewGuid().ToString();
        var lastId = await LastIdAfterOneEventAsync(userId);
        await using (var witness = await Host.ConnectAsync(userId))
        {
            for (var i = 0; i < HistoryBrokerHost.HistorySize + 1; i++)
            {
                await Host.Broker.SendToUserAsync(userId, "update", $"missed-{i}");
            }
            await ReadUntilAsync(witness, $"missed-{HistoryBrokerHost.HistorySize}");
        }

        await using var second = await SseStream.OpenAsync(Host.Client, BrokerHost.StreamPath(userId), lastId);
        await second.WelcomeAsync();

        await AssertResetAsync(second, "user");
        await AssertNextIsOnlyAsync(second, userId);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("1741700000000001")]
    [InlineData("v1.zz-1")]
    [InlineData("v1.1-1.1-1.1-1")]
    [InlineData("v1.1--1")]
    [InlineData("v1.ffffffff-7fffffffffffffff")]
    public async Task A_malformed_or_foreign_last_event_id_gets_a_reset_then_live_events_never_an_error(string lastEventId)
    {
        var userId = Guid.NewGuid().ToString();

        await using var stream = await SseStream.OpenAsync(Host.Client, BrokerHost.StreamPath(userId), lastEventId);
        await stream.WelcomeAsync();

        await AssertResetAsync(stream, "user", "broadcast");
        await AssertNextIsOnlyAsync(stream, userId);
    }

    [Fact]
    public async Task A_forged_position_ahead_of_the_stream_gets_a_reset()
    {
        var userId = Guid.NewGuid().ToString();
        StreamPosition[] start;
        await using (var first = await Host.ConnectAsync(userId))
        {
            Assert.True(PositionVector.TryParse(first.WelcomeId, 2, out start));
        }
        var forged = PositionVector.Format([start[0] with { Seq = 100 }, start[1]]);

        await using var second = await SseStream.OpenAsync(Host.Client, BrokerHost.StreamPath(userId), forged);
        await second.WelcomeAsync();

        await AssertResetAsync(second, "user");
        await AssertNextIsOnlyAsync(second, userId);
    }

    [Fact]
    public async Task Another_users_last_event_id_never_gives_their_events()
    {
        var alice = Guid.NewGuid().ToString();
        var mallory = Guid.NewGuid().ToString();
        var alicesId = await LastIdAfterOneEventAsync(alice);
        await Host.Broker.SendToUserAsync(alice, "update", "also for alice");

        await using var stream = await SseStream.OpenAsync(Host.Client, BrokerHost.StreamPath(mallory), alicesId);
        await stream.WelcomeAsync();

        // Mallory's own stream has another epoch: the position resumes nothing, and nothing of Alice's comes.
        await AssertResetAsync(stream, "user");
        await AssertNextIsOnlyAsync(stream, mallory);
    }

    [Fact]
    public async Task A_topic_that_cannot_be_resumed_is_named_in_the_reset_while_the_user_stream_replays()
    {
        var userId = Guid.NewGuid().ToString();
        var topic = $"news-{Guid.NewGuid():N}";
        var lastId = await LastIdAfterOneEventAsync(userId, topic);
        Assert.True(PositionVector.TryParse(lastId, 3, out var positions));
        await Host.Broker.SendToUserAsync(userId, "update", "missed");
        var topicOfAnotherEpoch = PositionVector.Format([positions[0], positions[1] with { Epoch = unchecked(positions[1].Epoch + 1) }, positions[2]]);

        await using var second = await SseStream.OpenAsync(Host.Client, BrokerHost.StreamPath(userId, topic), topicOfAnotherEpoch);
        await second.WelcomeAsync();

        await AssertResetAsync(second, $"topic:{topic}");
        Assert.Equal("missed", (await second.NextEventAsync()).Data);
        await AssertNextIsOnlyAsync(second, userId);
    }

    [Fact]
    public async Task A_broadcast_advances_the_broadcast_slot_last_in_the_id()
    {
        var userId = Guid.NewGuid().ToString();
        await using var stream = await Host.ConnectAsync(userId, "a");
        Assert.True(PositionVector.TryParse(stream.WelcomeId, 3, out var start));

        await Host.Broker.BroadcastAsync("notice", "to everyone");

        var broadcast = await stream.NextEventAsync();
        Assert.Equal(("notice", "to everyone"), (broadcast.EventType, broadcast.Data));
        Assert.True(PositionVector.TryParse(broadcast.EventId, 3, out var after));
        Assert.Equal([start[0], start[1], start[2] with { Seq = start[2].Seq + 1 }], after);
    }

    [Fact]
    public async Task Reconnecting_replays_the_missed_broadcasts_in_order_with_the_user_and_topic_events_then_live_ones()
    {
        var userId = Guid.NewGuid().ToString();
        var topic = $"news-{Guid.NewGuid():N}";
        var lastId = await LastIdAfterOneEventAsync(userId, topic);
        for (var i = 1; i <= 3; i++)
        {
            await Host.Broker.BroadcastAsync("notice", $"broadcast-{i}");
            await Host.Broker.SendToUserAsync(userId, "update", $"user-{i}");
            await Host.Broker.SendToTopicAsync(topic, "update", $"topic-{i}");
        }

        // Live broadcasts race the reconnect: each must arrive once, after the missed ones.
        var reconnecting = SseStream.OpenAsync(Host.Client, BrokerHost.StreamPath(userId, topic), lastId);
        for (var i = 1; i <= 3; i++)
        {
            await Host.Broker.BroadcastAsync("notice", $"broadcast-live-{i}");
        }
        await using var second = await reconnecting;
        await second.WelcomeAsync();

        var received = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            received.Add((await second.NextEventAsync()).Data);
        }
        Assert.Equal(["broadcast-1", "broadcast-2", "broadcast-3", "broadcast-live-1", "broadcast-live-2", "broadcast-live-3"],
            received.Where(d => d.StartsWith("broadcast-", StringComparison.Ordinal)));
        Assert.Equal(["user-1", "user-2", "user-3"], received.Where(d => d.StartsWith("user-", StringComparison.Ordinal)));
        Assert.Equal(["topic-1", "topic-2", "topic-3"], received.Where(d => d.StartsWith("topic-", StringComparison.Ordinal)));
        await AssertNextIsOnlyAsync(second, userId);
        await Host.Broker.BroadcastAsync("notice", "broadcast-after");
        Assert.Equal("broadcast-after", (await second.NextEventAsync()).Data);
    }

    [Fact]
    public async Task A_broadcast_gap_larger_than_the_history_gets_a_reset_naming_the_broadcasts_while_the_user_stream_replays()
    {
        var userId = Guid.NewGuid().ToString();
        var lastId = await LastIdAfterOneEventAsync(userId);
        await using (var witness = await Host.ConnectAsync(userId))
        {
            await Host.Broker.SendToUserAsync(userId, "update", "missed");
            for (var i = 0; i < HistoryBrokerHost.HistorySize + 1; i++)
            {
                await Host.Broker.BroadcastAsync("notice", $"missed-broadcast-{i}");
            }
            await ReadUntilAsync(witness, $"missed-broadcast-{HistoryBrokerHost.HistorySize}");
        }

        await using var second = await SseStream.OpenAsync(Host.Client, BrokerHost.StreamPath(userId), lastId);
        await second.WelcomeAsync();

        await AssertResetAsync(second, "broadcast");
        Assert.Equal("missed", (await second.NextEventAsync()).Data);
        await AssertNextIsOnlyAsync(second, userId);
    }

    [Fact]
    public async Task The_broadcast_stream_is_not_counted_as_a_topic()
    {
        var userId = Guid.NewGuid().ToString();
        await using var stream = await Host.ConnectAsync(userId, $"counted-{Guid.NewGuid():N}");

        var stats = await Host.StatsAsync();

        Assert.Equal(1, stats.GetProperty("total_topics").GetInt32());
    }

    [Fact]
    public async Task Heartbeats_carry_no_id_so_the_browsers_last_event_id_stays_the_last_events()
    {
        var userId = Guid.NewGuid().ToString();
        await using var stream = await Host.ConnectAsync(userId);
        await Host.Broker.SendToUserAsync(userId, "update", "real");
        var received = new List<SseItem<string>>();
        do
        {
            received.Add(await stream.NextAsync());
        }
        while (received[^1].Data != "real");

        // The host beats every second: wait for two heartbeats after the event.
        var heartbeats = received.Count(item => item.EventType == "heartbeat");
        while (received.Count(item => item.EventType == "heartbeat") < heartbeats + 2)
        {
            received.Add(await stream.NextAsync());
        }

        Assert.All(received.Where(item => item.EventType == "heartbeat"), heartbeat => Assert.Null(heartbeat.EventId));
        // Another test's broadcast may come too: the id stays the last event's, whichever it is.
        Assert.Equal(received.Last(item => item.EventType != "heartbeat").EventId, LastEventIdOf(received));
        // The user stream and the broadcasts.
        Assert.True(PositionVector.TryParse(LastEventIdOf(received), 2, out _));
    }

    /// <summary>What a browser sends back as Last-Event-ID: the value of the last <c>id:</c> field it read.</summary>
    protected static string? LastEventIdOf(IEnumerable<SseItem<string>> items) => items.LastOrDefault(item => item.EventId is not null).EventId;

    /// <summary>Connects, receives one user event, disconnects: the id a browser would send back.</summary>
    protected async Task<string> LastIdAfterOneEventAsync(string userId, string? topics = null)
    {
        await using var stream = await Host.ConnectAsync(userId, topics);
        await Host.Broker.SendToUserAsync(userId, "update", "seen");
        return (await stream.NextEventAsync()).EventId!;
    }

    /// <summary>
    /// Reads <paramref name="witness"/> until the event whose data is <paramref name="data"/>: delivered
    /// means kept in the history, whichever the store (a durable one keeps an event before delivering it).
    /// </summary>
    protected static async Task ReadUntilAsync(SseStream witness, string data)
    {
        while ((await witness.NextEventAsync()).Data != data)
        {
        }
    }

    protected static async Task AssertResetAsync(SseStream stream, params string[] streamNames)
    {
        var reset = await stream.NextEventAsync();
        Assert.Equal("reset", reset.EventType);
        using var data = JsonDocument.Parse(reset.Data);
        Assert.Equal("reset", data.RootElement.GetProperty("type").GetString());
        Assert.Equal(streamNames, data.RootElement.GetProperty("streams").EnumerateArray().Select(s => s.GetString()));
    }

    /// <summary>A marker sent now is the next event: nothing else (a duplicate, another user's event) is queued before it.</summary>
    protected Task AssertNextIsOnlyAsync(SseStream stream, string userId) => AssertNextIsOnlyAsync(Host, stream, userId);

    /// <inheritdoc cref="AssertNextIsOnlyAsync(SseStream, string)"/>
    internal static async Task AssertNextIsOnlyAsync(BrokerHost host, SseStream stream, string userId)
    {
        var marker = $"marker-{Guid.NewGuid():N}";
        await host.Broker.SendToUserAsync(userId, "marker", marker);
        SseItem<string> next = await stream.NextEventAsync();
        Assert.Equal(("marker", marker), (next.EventType, next.Data));
    }
}

/// <summary>History in memory, the default store.</summary>
[Trait("Category", TestCategories.Http)]
public sealed class HistoryTests(MemoryHistoryHost fixture) : HistoryContract(fixture), IClassFixture<MemoryHistoryHost>
{
    [Fact]
    public async Task Close_carries_no_id_so_the_browsers_last_event_id_stays_the_last_events()
    {
        var host = await BrokerHost.StartAsync(new Dictionary<string, string> { ["Sse:HistorySize"] = "4" });
        await using (host)
        {
            var userId = Guid.NewGuid().ToString();
            await using var stream = await host.ConnectAsync(userId);
            await host.Broker.SendToUserAsync(userId, "update", "real");
            var real = await stream.NextEventAsync();

            var stop = host.StopAsync();
            var rest = await stream.ReadToEndAsync();
            await stop.WaitAsync(BrokerHost.FactTimeout);

            var close = rest.Last(item => item.EventType != "heartbeat");
            Assert.Equal("close", close.EventType);
            Assert.Null(close.EventId);
            Assert.Equal(real.EventId, LastEventIdOf([real, .. rest]));
        }
    }
}

[Trait("Category", TestCategories.Http)]
public sealed class HistoryOffTests(SharedBrokerHost fixture) : IClassFixture<SharedBrokerHost>
{
    private BrokerHost Host => fixture.Host;

    [Fact]
    public async Task Without_history_events_keep_the_id_the_publisher_was_told_and_heartbeats_keep_theirs()
    {
        var userId = Guid.NewGuid().ToString();
        var topic = $"news-{Guid.NewGuid():N}";
        await using var stream = await Host.ConnectAsync(userId, topic);

        var userEventId = await Host.Broker.SendToUserAsync(userId, "update", "to the user");
        var topicEventId = await Host.Broker.SendToTopicAsync(topic, "update", "to the topic");

        // Two streams, two entities: the events may come in either order.
        var received = new[] { await stream.NextEventAsync(), await stream.NextEventAsync() }.ToDictionary(item => item.Data, item => item.EventId);
        Assert.Equal(userEventId, received["to the user"]);
        Assert.Equal(topicEventId, received["to the topic"]);
        Assert.False(PositionVector.TryParse(userEventId, 2, out _));
        var heartbeat = await stream.NextAsync();
        Assert.Equal("heartbeat", heartbeat.EventType);
        Assert.False(string.IsNullOrEmpty(heartbeat.EventId));
    }
}
