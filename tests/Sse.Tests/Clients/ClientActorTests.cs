using System.Text.Json;
using Akka.Actor;
using Akka.TestKit;
using Sse.Actors.Clients;
using Sse.Actors.Events;
using Sse.Actors.Streams;
using Sse.Actors.History;
using static Sse.Actors.Streams.StreamProtocol;
using Sse.Actors.Settings;

namespace Sse.Tests.Clients;

[Trait("Category", TestCategories.Unit)]
public sealed class ClientActorTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan Never = TimeSpan.FromMinutes(10);

    private readonly string _userId = Guid.NewGuid().ToString();
    private readonly TestProbe _userRegion;
    private readonly TestProbe _topicRegion;
    private readonly TestProbe _broadcastRegion;
    private readonly TestProbe _broker;

    public ClientActorTests() : base(SseTestConfig.SerializeMessages)
    {
        Sys.WithNodeExtensions();
        _userRegion = CreateTestProbe();
        _topicRegion = CreateTestProbe();
        _broadcastRegion = CreateTestProbe();
        _broker = CreateTestProbe();
    }

    [Fact]
    public void Client_subscribes_to_its_user_and_each_topic_through_the_regions()
    {
        var (client, _) = StartClient(topics: ["news", "sport"]);

        _userRegion.ExpectMsg<SubscribeToStream>(m => m.Stream == new StreamKey.User(_userId) && m.Subscriber.Equals(client));
        var topics = _topicRegion.ReceiveN(2).Cast<SubscribeToStream>().ToList();
        Assert.Equal(new[] { "news", "sport" }, topics.Select(m => ((StreamKey.Topic)m.Stream).Key).Order());
        Assert.All(topics, m => Assert.Equal(client, m.Subscriber));
    }

    [Fact]
    public async Task No_welcome_is_sent_until_every_subscription_is_acknowledged()
    {
        var (client, connection) = StartClient(topics: ["news"]);
        var entity = CreateTestProbe();

        entity.Send(client, new SubscribedToStream(new StreamKey.User(_userId)));

        Assert.True(await connection.Events.StaysEmptyAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task Welcome_is_the_first_event_once_every_subscription_is_acknowledged()
    {
        var (client, connection) = StartClient(topics: ["news"]);
        var entity = CreateTestProbe();

        entity.Send(client, new SubscribedToStream(new StreamKey.User(_userId)));
        entity.Send(client, new SubscribedToStream(new StreamKey.Topic("news")));

        var welcome = await connection.Events.ReadEventAsync();
        Assert.Equal("message", welcome.EventType);
        using var data = JsonDocument.Parse(welcome.Data);
        Assert.Equal("welcome", data.RootElement.GetProperty("type").GetString());
        Assert.Equal(connection.ClientId, data.RootElement.GetProperty("client_id").GetGuid());
        Assert.InRange(welcome.Retry!.Value, Options().ReconnectDelay, 2 * Options().ReconnectDelay);
    }

    [Fact]
    public async Task Event_delivered_before_the_last_acknowledgement_is_queued_behind_the_welcome()
    {
        var (client, connection) = StartClient(topics: ["news"]);
        var entity = CreateTestProbe();

        entity.Send(client, new SubscribedToStream(new StreamKey.User(_userId)));
        entity.Send(client, SseEncoder.Encode("update", "early"));
        entity.Send(client, new SubscribedToStream(new StreamKey.Topic("news")));

        Assert.Equal("message", (await connection.Events.ReadEventAsync()).EventType);
        var early = await connection.Events.ReadEventAsync();
        Assert.Equal(("update", "early"), (early.EventType, early.Data));
    }

    [Fact]
    public async Task Live_client_queues_delivered_events()
    {
        var (client, connection) = StartClient();
        var entity = await GoLive(client, connection);

        entity.Send(client, SseEncoder.Encode("update", "one"));
        entity.Send(client, SseEncoder.Encode("update", "two"));

        Assert.Equal("one", (await connection.Events.ReadEventAsync()).Data);
        Assert.Equal("two", (await connection.Events.ReadEventAsync()).Data);
    }

    [Fact]
    public async Task The_brokers_tick_writes_a_heartbeat_once_live()
    {
        var (client, connection) = StartClient();
        await GoLive(client, connection);

        client.Tell(ClientProtocol.Tick.Instance);

        var heartbeat = await connection.Events.ReadEventAsync();
        Assert.Equal(("heartbeat", "ping"), (heartbeat.EventType, heartbeat.Data));
    }

    [Fact]
    public async Task No_heartbeat_is_sent_before_going_live()
    {
        var (client, connection) = StartClient();

        client.Tell(ClientProtocol.Tick.Instance);

        Assert.True(await connection.Events.StaysEmptyAsync(TimeSpan.FromMilliseconds(400)));
    }

    [Fact]
    public void Unacknowledged_subscription_is_sent_again()
    {
        StartClient(options: Options(retry: Short));

        _userRegion.ExpectMsg<SubscribeToStream>();
        _userRegion.ExpectMsg<SubscribeToStream>();
    }

    [Fact]
    public async Task Acknowledged_subscription_is_not_sent_again()
    {
        var (client, connection) = StartClient(options: Options(retry: Short));
        _userRegion.ExpectMsg<SubscribeToStream>();
        await GoLive(client, connection);
        // A retry sent before the acknowledgement was handled may already be queued; only later ones count.
        _userRegion.ReceiveWhile<object>(TimeSpan.Zero, m => m);

        _userRegion.ExpectNoMsg(3 * Short);
    }

    [Fact]
    public async Task Client_subscribes_again_through_the_region_when_the_entity_stops()
    {
        var (client, connection) = StartClient();
        _userRegion.ExpectMsg<SubscribeToStream>();
        var entity = await GoLive(client, connection);

        entity.Send(client, new EntityStopped(new StreamKey.User(_userId)));

        _userRegion.ExpectMsg<SubscribeToStream>(m => m.Stream == new StreamKey.User(_userId) && m.Subscriber.Equals(client));
    }

    [Fact]
    public async Task The_end_of_an_entity_other_than_the_one_that_acknowledged_is_old_news()
    {
        var (client, connection) = StartClient();
        _userRegion.ExpectMsg<SubscribeToStream>();
        await GoLive(client, connection);

        CreateTestProbe().Send(client, new EntityStopped(new StreamKey.User(_userId)));

        _userRegion.ExpectNoMsg(Short);
    }

    [Fact]
    public async Task Stopping_client_unsubscribes_through_the_region_after_its_subscriptions()
    {
        var (client, connection) = StartClient();
        _userRegion.ExpectMsg<SubscribeToStream>();
        var entity = await GoLive(client, connection);

        client.Tell(ClientProtocol.Disconnect.Instance);

        _userRegion.ExpectMsg<UnsubscribeFromStream>(m => m.Stream == new StreamKey.User(_userId) && m.Subscriber.Equals(client));
        entity.ExpectNoMsg(Short);
    }

    [Fact]
    public void Stopping_client_unsubscribes_pending_subscriptions_through_the_region()
    {
        var (client, _) = StartClient(topics: ["news"]);
        _topicRegion.ExpectMsg<SubscribeToStream>();

        client.Tell(ClientProtocol.Disconnect.Instance);

        _topicRegion.ExpectMsg<UnsubscribeFromStream>(m => m.Stream == new StreamKey.Topic("news") && m.Subscriber.Equals(client));
    }

    [Fact]
    public async Task Stopping_client_completes_its_channel()
    {
        var (client, connection) = StartClient();
        await GoLive(client, connection);

        client.Tell(ClientProtocol.Disconnect.Instance);

        Assert.Empty(await connection.Events.ReadToCompletionAsync());
        Assert.False(connection.IsAborted);
    }

    [Fact]
    public void Slow_consumer_is_dropped_reported_to_its_parent_and_aborted()
    {
        var (client, connection) = StartClient(bufferSize: 2);
        Watch(client);
        var entity = CreateTestProbe();
        entity.Send(client, new SubscribedToStream(new StreamKey.User(_userId)));

        for (var i = 0; i < 10; i++)
        {
            entity.Send(client, SseEncoder.Encode("update", $"event {i}"));
        }

        var dropped = _broker.ExpectMsg<ClientProtocol.SlowConsumerDropped>();
        Assert.Equal((connection.ClientId, _userId), (dropped.ClientId, dropped.UserId));
        ExpectTerminated(client);
        Assert.True(connection.IsAborted);
        // Counted once per connection, however many events it could not take.
        _broker.ExpectNoMsg(Short);
    }

    [Fact]
    public void More_events_before_the_welcome_than_the_buffer_holds_make_a_slow_consumer()
    {
        var (client, connection) = StartClient(topics: ["news"], bufferSize: 2);
        Watch(client);
        var entity = CreateTestProbe();
        entity.Send(client, new SubscribedToStream(new StreamKey.User(_userId)));

        for (var i = 0; i < 3; i++)
        {
            entity.Send(client, SseEncoder.Encode("update", $"early {i}"));
        }

        _broker.ExpectMsg<ClientProtocol.SlowConsumerDropped>();
        ExpectTerminated(client);
        Assert.True(connection.IsAborted);
    }

    [Fact]
    public async Task Close_writes_a_close_event_and_completes_the_channel()
    {
        var (client, connection) = StartClient();
        await GoLive(client, connection);

        client.Tell(new ClientProtocol.Close(TimeSpan.FromSeconds(5)));

        var rest = await connection.Events.ReadToCompletionAsync();
        Assert.Equal("close", Assert.Single(rest).EventType);
    }

    [Fact]
    public async Task Close_cuts_the_response_after_the_grace()
    {
        var (client, connection) = StartClient();
        await GoLive(client, connection);

        var aborted = new TaskCompletionSource();
        connection.OnAbort(() => aborted.TrySetResult());

        client.Tell(new ClientProtocol.Close(TimeSpan.FromMilliseconds(100)));

        await aborted.Task.WaitAsync(SseReading.DefaultWait);
    }

    [Fact]
    public async Task With_history_a_client_resumes_the_broadcasts_from_their_entity_and_drops_the_live_ones_it_was_replayed()
    {
        var (client, connection) = StartClient(options: HistoryOptions(), lastEventId: "v1.1-0.7-1");
        var broadcasts = await GoLiveWithHistory(client, connection, broadcastsNow: 2, missed: [Broadcast(7, 2, "missed")]);
        Assert.Equal("missed", (await connection.Events.ReadEventAsync()).Data);

        client.Tell(Broadcast(7, 2, "missed"));
        client.Tell(Broadcast(7, 3, "live"));

        Assert.Equal("live", (await connection.Events.ReadEventAsync()).Data);
        client.Tell(ClientProtocol.Disconnect.Instance);
        // The broadcasts' entity keeps no subscribers: nothing to unsubscribe from.
        broadcasts.ExpectNoMsg(Short);
    }

    [Fact]
    public async Task With_history_a_live_event_that_skips_ahead_is_repaired_from_the_streams_history_not_skipped()
    {
        var (client, connection) = StartClient(options: HistoryOptions());
        var broadcasts = await GoLiveWithHistory(client, connection, broadcastsNow: 2, missed: []);

        // Broadcast 3 was lost on its way: 4 shows the gap.
        client.Tell(Broadcast(7, 4, "four"));
        var repair = _broadcastRegion.ExpectMsg<SubscribeToStream>();
        broadcasts.Send(client, new SubscribedToStream(StreamKey.Broadcasts.Instance,
            new StreamReplay(new StreamPosition(7, 4), Gap: false, [Broadcast(7, 3, "three"), Broadcast(7, 4, "four")])));
        client.Tell(Broadcast(7, 5, "five"));

        Assert.Equal(new StreamPosition(7, 2), repair.From);
        Assert.Equal(["three", "four", "five"], [(await connection.Events.ReadEventAsync()).Data, (await connection.Events.ReadEventAsync()).Data,
            (await connection.Events.ReadEventAsync()).Data]);
    }

    [Fact]
    public async Task With_history_live_events_the_nodes_broker_shed_are_caught_up_from_the_streams_history()
    {
        var (client, connection) = StartClient(options: HistoryOptions());
        var broadcasts = await GoLiveWithHistory(client, connection, broadcastsNow: 2, missed: []);

        // The node's broker shed broadcast 3 and says so; nothing after it shows a gap yet.
        client.Tell(new ClientProtocol.CatchUp(StreamKey.Broadcasts.Instance));
        var catchUp = _broadcastRegion.ExpectMsg<SubscribeToStream>();
        client.Tell(Broadcast(7, 4, "four"));
        broadcasts.Send(client, new SubscribedToStream(StreamKey.Broadcasts.Instance,
            new StreamReplay(new StreamPosition(7, 4), Gap: false, [Broadcast(7, 3, "three"), Broadcast(7, 4, "four")])));
        client.Tell(Broadcast(7, 5, "five"));

        Assert.Equal(new StreamPosition(7, 2), catchUp.From);
        Assert.Equal(["three", "four", "five"], [(await connection.Events.ReadEventAsync()).Data, (await connection.Events.ReadEventAsync()).Data,
            (await connection.Events.ReadEventAsync()).Data]);
    }

    [Fact]
    public async Task With_history_a_replay_larger_than_the_buffer_arrives_whole_as_the_response_drains()
    {
        var options = HistoryOptions();
        options.ClientBufferSize = 4;
        var (client, connection) = StartClient(options: options, lastEventId: "v1.1-0.7-0");
        var missed = Enumerable.Range(1, 40).Select(i => Broadcast(7, i, $"missed {i}")).ToArray();
        await GoLiveWithHistory(client, connection, broadcastsNow: 40, missed: missed);
        client.Tell(Broadcast(7, 41, "live"));

        var received = new List<string>();
        for (var i = 0; i < 41; i++)
        {
            received.Add((await connection.Events.ReadEventAsync()).Data);
        }

        Assert.Equal([.. Enumerable.Range(1, 40).Select(i => $"missed {i}"), "live"], received);
        _broker.ExpectNoMsg(Short);
        Assert.False(connection.IsAborted);
    }

    [Fact]
    public async Task With_history_a_broadcast_of_a_restarted_entity_before_its_acknowledgement_is_covered_by_the_reset()
    {
        var (client, connection) = StartClient(options: HistoryOptions());
        var broadcasts = await GoLiveWithHistory(client, connection, broadcastsNow: 0, missed: []);

        broadcasts.Send(client, new EntityStopped(StreamKey.Broadcasts.Instance));
        _broadcastRegion.ExpectMsg<SubscribeToStream>(m => m.Stream == StreamKey.Broadcasts.Instance && m.From == new StreamPosition(7, 0));
        client.Tell(Broadcast(8, 1, "before the acknowledgement"));
        CreateTestProbe().Send(client, new SubscribedToStream(StreamKey.Broadcasts.Instance, new StreamReplay(new StreamPosition(8, 1), Gap: true, [])));
        client.Tell(Broadcast(8, 2, "after"));

        var reset = await connection.Events.ReadEventAsync();
        Assert.Equal(("reset", """{"type":"reset","streams":["broadcast"]}"""), (reset.EventType, reset.Data));
        Assert.Equal("after", (await connection.Events.ReadEventAsync()).Data);
    }

    private static SseOptions HistoryOptions()
    {
        var options = Options();
        options.HistorySize = 10;
        return options;
    }

    private static SseEvent Broadcast(uint epoch, long seq, string data) =>
        SseEncoder.EncodeWithoutId("notice", data) with { Stream = StreamKey.Broadcasts.Instance.Name, Position = new StreamPosition(epoch, seq) };

    /// <summary>Acknowledges the user stream (epoch 1) and the broadcasts (epoch 7) as their entities would, and reads the welcome.</summary>
    private async Task<TestProbe> GoLiveWithHistory(IActorRef client, ClientConnection connection, long broadcastsNow, SseEvent[] missed)
    {
        _userRegion.ExpectMsg<SubscribeToStream>();
        var broadcastsFrom = connection.ResumeFrom?[1];
        _broadcastRegion.ExpectMsg<SubscribeToStream>(m => m.Stream == StreamKey.Broadcasts.Instance && m.From == broadcastsFrom);
        CreateTestProbe().Send(client, new SubscribedToStream(new StreamKey.User(_userId), new StreamReplay(new StreamPosition(1, 0), Gap: false, [])));
        var broadcasts = CreateTestProbe();
        broadcasts.Send(client, new SubscribedToStream(StreamKey.Broadcasts.Instance, new StreamReplay(new StreamPosition(7, broadcastsNow), Gap: false, missed)));
        Assert.Contains("\"welcome\"", (await connection.Events.ReadEventAsync()).Data);
        return broadcasts;
    }

    private static SseOptions Options(TimeSpan? heartbeat = null, TimeSpan? retry = null, int bufferSize = 16) => new()
    {
        HeartbeatInterval = heartbeat ?? Never,
        ClientTimeout = 2 * (heartbeat ?? Never),
        SubscribeRetryInterval = retry ?? Never,
        ClientBufferSize = bufferSize,
    };

    private (IActorRef Client, ClientConnection Connection) StartClient(
        IReadOnlyList<string>? topics = null, SseOptions? options = null, int bufferSize = 16, string? lastEventId = null)
    {
        options ??= Options(bufferSize: bufferSize);
        var connection = new ClientConnection(_userId, tenantId: null, topics ?? [], options.ClientBufferSize, lastEventId);
        var client = _broker.ChildActorOf(ClientActor.Props(connection, new StreamRegions(_userRegion.Ref, _topicRegion.Ref, _broadcastRegion.Ref), options.ClientSettings(), Diagnostics.TestMetrics.Create()));
        return (client, connection);
    }

    /// <summary>Acknowledges the user subscription from an entity probe and reads the welcome.</summary>
    private async Task<TestProbe> GoLive(IActorRef client, ClientConnection connection)
    {
        var entity = CreateTestProbe();
        entity.Send(client, new SubscribedToStream(new StreamKey.User(_userId)));
        var welcome = await connection.Events.ReadEventAsync();
        Assert.Contains("\"welcome\"", welcome.Data);
        return entity;
    }
}
