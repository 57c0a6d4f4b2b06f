using Akka.Actor;
using Akka.TestKit;
using Sse.Actors.Delivery;
using Sse.Actors.Broker;
using Sse.Actors.Clients;
using Sse.Actors.History;
using Sse.Actors.Settings;
using static Sse.Actors.Broker.BrokerCommands;
using static Sse.Actors.Broker.BrokerConnections;
using static Sse.Actors.Broker.BrokerQueries;
using Sse.Actors.Streams;
using static Sse.Actors.Streams.StreamProtocol;

namespace Sse.Tests.Broker;

[Trait("Category", TestCategories.Unit)]
public sealed class BrokerActorTests : Akka.TestKit.Xunit2.TestKit
{
    private readonly TestProbe _userRegion;
    private readonly TestProbe _topicRegion;
    private readonly TestProbe _broadcastRegion;

    public BrokerActorTests() : base(SseTestConfig.SerializeMessagesOnClusterNode)
    {
        Sys.WithNodeExtensions();
        _userRegion = CreateTestProbe();
        _topicRegion = CreateTestProbe();
        _broadcastRegion = CreateTestProbe();
    }

    [Fact]
    public void Connection_is_accepted_with_a_client_that_subscribes_to_its_user()
    {
        var broker = StartBroker();
        var connection = NewConnection(Guid.NewGuid().ToString());

        var client = Connect(broker, connection);

        _userRegion.ExpectMsg<SubscribeToStream>(m => m.Stream == new StreamKey.User(connection.UserId) && m.Subscriber.Equals(client));
    }

    [Fact]
    public void A_connections_client_actor_runs_on_the_lean_mailbox()
    {
        var broker = StartBroker();

        var client = Connect(broker, NewConnection(Guid.NewGuid().ToString()));

        var cell = (ActorCell)((ActorRefWithCell)client).Underlying;
        Assert.IsType<Actors.Mailboxes.LeanMessageQueue>(cell.Mailbox!.MessageQueue);
    }

    [Fact]
    public void Connection_over_the_node_maximum_is_refused_as_node_full()
    {
        var broker = StartBroker(new SseOptions { MaxConnections = 1 });
        Connect(broker, NewConnection(Guid.NewGuid().ToString()));

        broker.Tell(new Connect(NewConnection(Guid.NewGuid().ToString())));

        Assert.Equal(RefusalReason.NodeFull, ExpectMsg<Refused>().Reason);
    }

    [Fact]
    public void Stopped_client_frees_its_place_for_a_new_connection()
    {
        var broker = StartBroker(new SseOptions { MaxConnections = 1 });
        var client = Connect(broker, NewConnection(Guid.NewGuid().ToString()));

        client.Tell(ClientProtocol.Disconnect.Instance);

        AwaitAssert(() =>
        {
            broker.Tell(new Connect(NewConnection(Guid.NewGuid().ToString())));
            ExpectMsg<Accepted>();
        });
    }

    [Fact]
    public void The_nodes_figures_count_its_clients_and_their_users_and_topics()
    {
        var broker = StartBroker();
        var (alice, bob) = (Guid.NewGuid().ToString(), Guid.NewGuid().ToString());
        Connect(broker, NewConnection(alice, "news", "sport"));
        Connect(broker, NewConnection(alice, "news"));
        Connect(broker, NewConnection(bob));

        var stats = Stats(broker);

        var node = Assert.Single(stats.Nodes);
        Assert.Equal((3, 2, 2), (node.TotalClients, node.TotalUsers, node.TotalTopics));
        Assert.Equal(3, stats.TotalClients);
        Assert.True(stats.IsRunning);
    }

    [Fact]
    public void The_clusters_users_and_topics_are_the_streams_with_subscribers_whose_entities_the_node_hosts()
    {
        var broker = StartBroker();
        // No entity runs here (the regions are probes): the clients' users and topics are counted by their entities' nodes.
        Connect(broker, NewConnection(Guid.NewGuid().ToString(), "news"));
        var user = new StreamKey.User(Guid.NewGuid().ToString());
        var active = ActiveStreams.For(Sys);
        active.Activated(user);
        active.Activated(new StreamKey.Topic("news"));
        active.Activated(StreamKey.Topic.For(Guid.NewGuid().ToString(), "news"));

        var stats = Stats(broker);

        Assert.Equal((1, 2), (stats.TotalUsers, stats.TotalTopics));
        active.Deactivated(user);
        Assert.Equal(0, Stats(broker).TotalUsers);
    }

    [Fact]
    public void Stats_count_accepted_and_refused_connections()
    {
        var broker = StartBroker(new SseOptions { MaxConnections = 2 });
        Connect(broker, NewConnection(Guid.NewGuid().ToString()));
        Connect(broker, NewConnection(Guid.NewGuid().ToString()));
        broker.Tell(new Connect(NewConnection(Guid.NewGuid().ToString())));
        ExpectMsg<Refused>();

        var stats = Stats(broker);

        Assert.Equal((2L, 1L), (stats.ConnectionsAccepted, stats.ConnectionsRefused));
        Assert.Equal(2, stats.MaxConnections);
    }

    [Fact]
    public void Counts_drop_when_a_client_stops()
    {
        var broker = StartBroker();
        var (alice, bob) = (Guid.NewGuid().ToString(), Guid.NewGuid().ToString());
        var leaving = Connect(broker, NewConnection(alice, "news", "sport"));
        Connect(broker, NewConnection(bob, "news"));

        leaving.Tell(ClientProtocol.Disconnect.Instance);

        AwaitAssert(() =>
        {
            var node = Assert.Single(Stats(broker).Nodes);
            Assert.Equal((1, 1, 1), (node.TotalClients, node.TotalUsers, node.TotalTopics));
        });
    }

    [Fact]
    public async Task Slow_consumer_is_counted_and_removed()
    {
        var broker = StartBroker();
        var connection = new ClientConnection(Guid.NewGuid().ToString(), tenantId: null, [], bufferSize: 1);
        var client = Connect(broker, connection);
        await GoLive(client, connection, readWelcome: false);

        broker.Tell(new Broadcast("update", "does not fit"));
        ExpectMsg<PublishAccepted>();

        AwaitAssert(() =>
        {
            var stats = Stats(broker);
            Assert.Equal((1L, 0), (stats.SlowConsumerDisconnects, stats.TotalClients));
        });
    }

    [Fact]
    public async Task Every_live_connection_gets_a_heartbeat_every_interval_from_the_brokers_tick()
    {
        var interval = TimeSpan.FromMilliseconds(300);
        var broker = StartBroker(new SseOptions(), heartbeat: interval);
        var connections = new List<ClientConnection>();
        for (var i = 0; i < 3; i++)
        {
            var connection = NewConnection(Guid.NewGuid().ToString());
            await GoLive(Connect(broker, connection), connection);
            connections.Add(connection);
        }
        var started = System.Diagnostics.Stopwatch.StartNew();

        foreach (var connection in connections)
        {
            for (var i = 0; i < 3; i++)
            {
                var heartbeat = await connection.Events.ReadEventAsync();
                Assert.Equal(("heartbeat", "ping"), (heartbeat.EventType, heartbeat.Data));
            }
        }
        Assert.True(started.Elapsed >= 2 * interval, $"three heartbeats each came within {started.Elapsed}");
    }

    [Fact]
    public void Send_to_the_empty_user_id_is_rejected_with_a_reason()
    {
        var broker = StartBroker();

        broker.Tell(new SendToUser(Guid.Empty.ToString(), "update", "hello"));

        Assert.False(string.IsNullOrWhiteSpace(ExpectMsg<PublishRejected>().Reason));
        _userRegion.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Send_with_an_unwritable_event_name_is_rejected()
    {
        var broker = StartBroker();

        broker.Tell(new SendToUser(Guid.NewGuid().ToString(), "evil\nname", "hello"));

        ExpectMsg<PublishRejected>();
    }

    [Fact]
    public void Send_to_a_user_is_accepted_and_routed_to_the_user_region()
    {
        var broker = StartBroker();
        var userId = Guid.NewGuid().ToString();

        broker.Tell(new SendToUser(userId, "update", "hello"));

        var delivery = _userRegion.ExpectMsg<PublishToStream>();
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        _userRegion.Reply(new EventRecorded(delivery.Stream, delivery.Event.Id, delivery.Event.Id));
        var accepted = ExpectMsg<PublishAccepted>();
        Assert.Equal((userId, accepted.EventId), (((StreamKey.User)delivery.Stream).UserId, delivery.Event.Id));
        var parsed = delivery.Event.Parse();
        Assert.Equal(("update", "hello"), (parsed.EventType, parsed.Data));
    }

    [Fact]
    public void Send_to_a_topic_is_accepted_and_routed_to_the_topic_region()
    {
        var broker = StartBroker();

        broker.Tell(new SendToTopic("news", "update", "hello"));

        var publication = _topicRegion.ExpectMsg<PublishToStream>();
        _topicRegion.Reply(new EventRecorded(publication.Stream, publication.Event.Id, publication.Event.Id));
        var accepted = ExpectMsg<PublishAccepted>();
        Assert.Equal(("news", accepted.EventId), (((StreamKey.Topic)publication.Stream).Key, publication.Event.Id));
    }

    [Fact]
    public void A_send_its_stream_does_not_answer_within_the_publish_timeout_is_outcome_unknown_never_accepted()
    {
        var broker = StartBroker(new SseOptions { PublishTimeout = TimeSpan.FromMilliseconds(300) });

        broker.Tell(new SendToUser(Guid.NewGuid().ToString(), "update", "hello"));

        Assert.NotNull(_userRegion.ExpectMsg<PublishToStream>().RecordBy);
        Assert.Contains("same message id", ExpectMsg<PublishOutcomeUnknown>(TimeSpan.FromSeconds(5)).Reason);
    }

    [Fact]
    public void Send_to_a_topic_is_rejected_when_topics_are_disabled()
    {
        var broker = StartBroker(new SseOptions { EnableTopics = false });

        broker.Tell(new SendToTopic("news", "update", "hello"));

        Assert.Contains("EnableTopics", ExpectMsg<PublishRejected>().Reason);
        _topicRegion.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Broadcast_reaches_a_connected_client_without_topics()
    {
        var broker = StartBroker();
        var connection = NewConnection(Guid.NewGuid().ToString());
        await GoLive(Connect(broker, connection), connection);

        broker.Tell(new Broadcast("notice", "hello everyone"));

        var accepted = ExpectMsg<PublishAccepted>();
        var broadcast = await connection.Events.ReadEventAsync();
        Assert.Equal((accepted.EventId, "notice", "hello everyone"), (broadcast.Id, broadcast.EventType, broadcast.Data));
    }

    [Fact]
    public void With_history_a_broadcast_goes_to_the_broadcast_entity_to_be_numbered_and_kept()
    {
        var broker = StartBroker(new SseOptions { HistorySize = 10 });

        broker.Tell(new Broadcast("notice", "hello everyone"));

        var publish = _broadcastRegion.ExpectMsg<PublishToStream>();
        _broadcastRegion.Reply(new EventRecorded(publish.Stream, publish.Event.Id, publish.Event.Id));
        var accepted = ExpectMsg<PublishAccepted>();
        Assert.Equal((StreamKey.Broadcasts.Instance, accepted.EventId), (publish.Stream, publish.Event.Id));
    }

    [Fact]
    public void With_history_a_client_also_subscribes_to_the_broadcasts_which_are_not_counted_as_a_topic()
    {
        var broker = StartBroker(new SseOptions { HistorySize = 10 });
        var connection = NewConnection(Guid.NewGuid().ToString(), "news");

        var client = Connect(broker, connection);

        List<SubscribeToStream> subscriptions = [_topicRegion.ExpectMsg<SubscribeToStream>(), _broadcastRegion.ExpectMsg<SubscribeToStream>()];
        Assert.Equal([new StreamKey.Topic("news"), StreamKey.Broadcasts.Instance], subscriptions.Select(m => m.Stream));
        Assert.All(subscriptions, m => Assert.Equal(client, m.Subscriber));
        Assert.Equal(1, Assert.Single(Stats(broker).Nodes).TotalTopics);
    }

    [Fact]
    public async Task Close_all_sends_close_to_every_client_and_ends_its_stream()
    {
        var broker = StartBroker();
        var connections = new[] { NewConnection(Guid.NewGuid().ToString()), NewConnection(Guid.NewGuid().ToString()) };
        foreach (var connection in connections)
        {
            await GoLive(Connect(broker, connection), connection);
        }

        broker.Tell(new CloseAll(TimeSpan.FromSeconds(5)));

        foreach (var connection in connections)
        {
            var rest = await connection.Events.ReadToCompletionAsync();
            Assert.Equal("close", Assert.Single(rest).EventType);
        }
    }

    [Fact]
    public void Connection_after_close_all_is_refused_as_shutting_down()
    {
        var broker = StartBroker();
        broker.Tell(new CloseAll(TimeSpan.FromSeconds(5)));

        broker.Tell(new Connect(NewConnection(Guid.NewGuid().ToString())));

        Assert.Equal(RefusalReason.ShuttingDown, ExpectMsg<Refused>().Reason);
    }

    [Fact]
    public void With_history_its_clients_subscribe_to_the_broadcasts_again_when_their_entity_on_this_node_stops()
    {
        var broker = StartBroker(new SseOptions { HistorySize = 10 });
        var client = Connect(broker, NewConnection(Guid.NewGuid().ToString()));
        var user = _userRegion.ExpectMsg<SubscribeToStream>();
        _broadcastRegion.ExpectMsg<SubscribeToStream>();
        var entities = CreateTestProbe();
        entities.Send(client, new SubscribedToStream(user.Stream, new StreamReplay(new StreamPosition(1, 0), Gap: false, [])));
        entities.Send(client, new SubscribedToStream(StreamKey.Broadcasts.Instance, new StreamReplay(new StreamPosition(7, 0), Gap: false, [])));

        entities.Send(NodeDeliveries.Of(Sys).For(client), new EntityStopped(StreamKey.Broadcasts.Instance));

        _broadcastRegion.ExpectMsg<SubscribeToStream>(m => m.Subscriber.Equals(client) && m.From == new StreamPosition(7, 0));
    }

    [Fact]
    public void When_a_member_is_removed_connections_still_waiting_for_a_subscription_send_it_again_at_once()
    {
        var broker = StartBroker();
        var (waiting, live) = (NewConnection(Guid.NewGuid().ToString(), "orders"), NewConnection(Guid.NewGuid().ToString()));
        var waitingClient = Connect(broker, waiting);
        var liveClient = Connect(broker, live);
        _userRegion.ExpectMsg<SubscribeToStream>(m => m.Subscriber.Equals(waitingClient));
        var topic = _topicRegion.ExpectMsg<SubscribeToStream>(m => m.Subscriber.Equals(waitingClient));
        _userRegion.ExpectMsg<SubscribeToStream>(m => m.Subscriber.Equals(liveClient));
        var entities = CreateTestProbe();
        // Its user's stream answered, its topic's did not (that subscription went to the removed member's entity).
        entities.Send(waitingClient, new SubscribedToStream(new StreamKey.User(waiting.UserId)));
        entities.Send(liveClient, new SubscribedToStream(new StreamKey.User(live.UserId)));

        // As the cluster tells it (which member does not matter to the broker).
        broker.Tell(new Akka.Cluster.ClusterEvent.MemberRemoved(Akka.Cluster.Cluster.Get(Sys).SelfMember, Akka.Cluster.MemberStatus.Down));

        // Well before SubscribeRetryInterval (10 minutes here): only the pending subscription, only of the waiting connection.
        Assert.Equal(topic.Stream, _topicRegion.ExpectMsg<SubscribeToStream>(m => m.Subscriber.Equals(waitingClient), TimeSpan.FromSeconds(5)).Stream);
        _userRegion.ExpectNoMsg(TimeSpan.FromMilliseconds(500));
        _topicRegion.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Stats_report_not_running_after_close_all()
    {
        var broker = StartBroker();

        broker.Tell(new CloseAll(TimeSpan.FromSeconds(5)));

        Assert.False(Stats(broker).IsRunning);
    }

    [Fact]
    public void Online_users_are_the_users_with_a_connection_a_page_at_a_time_in_order()
    {
        var broker = StartBroker();
        var users = new[] { Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), Guid.NewGuid().ToString() }.Order(StringComparer.Ordinal).ToArray();
        foreach (var user in users)
        {
            Connect(broker, NewConnection(user, "news"));
        }
        Connect(broker, NewConnection(users[0]));

        broker.Tell(new GetOnlineUsers(Limit: 2));
        var first = ExpectMsg<OnlineUsers>();
        broker.Tell(new GetOnlineUsers(first.Next, Limit: 2));
        var second = ExpectMsg<OnlineUsers>();

        Assert.Equal(users[..2], first.UserIds);
        Assert.Equal(users[1], first.Next);
        Assert.Equal([users[2]], second.UserIds);
        Assert.Null(second.Next);
    }

    [Fact]
    public void A_nodes_part_of_a_page_names_the_node()
    {
        var broker = StartBroker();
        var alice = Guid.NewGuid().ToString();
        Connect(broker, NewConnection(alice));

        broker.Tell(new GetNodeOnlineUsers(null, 10));

        var part = ExpectMsg<NodeOnlineUsers>();
        Assert.Equal(Akka.Cluster.Cluster.Get(Sys).SelfAddress.ToString(), part.Node);
        Assert.Equal([alice], part.UserIds);
    }

    [Fact]
    public void User_connection_count_is_answered_by_the_users_entity()
    {
        var broker = StartBroker();
        var alice = Guid.NewGuid().ToString();

        broker.Tell(new GetUserConnectionCount(alice));

        // The entity knows the user's connections on every node; it answers the asker directly.
        _userRegion.ExpectMsg<GetUserConnectionCount>(m => m.UserId == alice);
        _userRegion.Reply(new UserConnectionCount(alice, 2));
        Assert.Equal(new UserConnectionCount(alice, 2), ExpectMsg<UserConnectionCount>());
    }

    [Fact]
    public void Stats_name_this_node_and_list_no_silent_nodes()
    {
        var broker = StartBroker();

        var stats = Stats(broker);

        Assert.Equal(Akka.Cluster.Cluster.Get(Sys).SelfAddress.ToString(), Assert.Single(stats.Nodes).Node);
        Assert.Empty(stats.NodesNotAnswering);
    }

    [Fact]
    public async Task Live_events_a_deliverys_mailbox_shed_make_their_connections_write_a_reset_when_there_is_no_history()
    {
        var broker = StartBroker();
        var alice = NewConnection(Guid.NewGuid().ToString());
        var aliceClient = Connect(broker, alice);
        await GoLive(aliceClient, alice);
        var bob = NewConnection(Guid.NewGuid().ToString());
        var bobClient = Connect(broker, bob);
        await GoLive(bobClient, bob);
        var delivery = NodeDeliveries.Of(Sys).For(aliceClient);
        var queue = new DeliveryMessageQueue(capacity: 0);
        queue.Enqueue(delivery, new Envelope(new DeliveryProtocol.StreamEvent(new StreamKey.User(alice.UserId), Actors.Events.SseEncoder.Encode("n", "shed")), ActorRefs.NoSender));
        Assert.True(queue.TryDequeue(out var notice));

        delivery.Tell(notice.Message);

        var reset = await alice.Events.ReadEventAsync();
        Assert.Equal("reset", reset.EventType);
        Assert.Contains("\"user\"", reset.Data);
        // Bob's stream lost nothing: the next thing he reads is his next event.
        NodeDeliveries.Of(Sys).For(bobClient).Tell(new DeliveryProtocol.StreamEvent(new StreamKey.User(bob.UserId), Actors.Events.SseEncoder.Encode("n", "to bob")));
        Assert.Equal("to bob", (await bob.Events.ReadEventAsync()).Data);
    }

    private IActorRef StartBroker(SseOptions? options = null, TimeSpan? heartbeat = null)
    {
        options ??= new SseOptions();
        // Timers the tests do not look at stay out of the way.
        options.HeartbeatInterval = heartbeat ?? TimeSpan.FromMinutes(10);
        options.ClientTimeout = 2 * options.HeartbeatInterval;
        options.SubscribeRetryInterval = TimeSpan.FromMinutes(10);
        return Sys.ActorOf(BrokerActor.Props(options.BrokerSettings(), new StreamRegions(_userRegion.Ref, _topicRegion.Ref, _broadcastRegion.Ref), Diagnostics.TestMetrics.Create()));
    }

    private static ClientConnection NewConnection(string userId, params string[] topics) =>
        new(userId, tenantId: null, topics, bufferSize: 16);

    private IActorRef Connect(IActorRef broker, ClientConnection connection)
    {
        broker.Tell(new Connect(connection));
        return ExpectMsg<Accepted>().Client;
    }

    private SseStats Stats(IActorRef broker)
    {
        broker.Tell(GetStats.Instance);
        return ExpectMsg<SseStats>();
    }

    /// <summary>Acknowledges the client's user subscription from an entity probe through the client's delivery, as the user entity would.</summary>
    private async Task GoLive(IActorRef client, ClientConnection connection, bool readWelcome = true)
    {
        var subscribe = _userRegion.ExpectMsg<SubscribeToStream>(m => m.Subscriber.Equals(client));
        CreateTestProbe().Send(subscribe.Delivery!, new DeliveryProtocol.Subscribed(client, new SubscribedToStream(new StreamKey.User(connection.UserId))));
        if (readWelcome)
        {
            Assert.Contains("\"welcome\"", (await connection.Events.ReadEventAsync()).Data);
        }
    }
}
