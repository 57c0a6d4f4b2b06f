using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.TestKit;
using Sse.Actors.Events;
using Sse.Actors.Streams;
using static Sse.Actors.Streams.StreamProtocol;

namespace Sse.Tests.Streams;

/// <summary>
/// A user entity with the durable history store whose journal fails (Akka.Persistence.TestKit's test
/// journal): an event that could not be written is never delivered, the entity stops, and its next
/// incarnation numbers as if the event had never been sent.
/// </summary>
[Trait("Category", TestCategories.Unit)]
public sealed class StoredEntityFailureTests : Akka.TestKit.Xunit2.TestKit
{
    private readonly string _userId = Guid.NewGuid().ToString();
    private readonly UserEntityClient _client;

    public StoredEntityFailureTests()
        : base(ConfigurationFactory.ParseString("""
            # The journal's own failure replies carry exceptions, which only ever travel inside one node.
            akka.actor.serialize-messages = off
            akka.persistence.journal {
              plugin = "akka.persistence.journal.test"
              test { class = "Akka.Persistence.TestKit.TestJournal, Akka.Persistence.TestKit", plugin-dispatcher = "akka.actor.default-dispatcher" }
            }
            akka.persistence.snapshot-store {
              plugin = "akka.persistence.snapshot-store.test"
              test { class = "Akka.Persistence.TestKit.TestSnapshotStore, Akka.Persistence.TestKit", plugin-dispatcher = "akka.actor.default-dispatcher" }
            }
            """).WithFallback(SseTestConfig.SerializeMessages)) =>
        _client = new UserEntityClient(this, _userId);

    private ITestJournal Journal => TestJournal.FromRef(Persistence.Instance.Apply(Sys).JournalFor(null));

    [Theory]
    [InlineData("fails")]
    [InlineData("refuses")]
    public async Task An_event_the_journal_does_not_write_is_never_delivered_and_the_entity_stops(string journalWrite)
    {
        var entity = StartUser();
        var subscriber = _client.Subscribe(entity);
        Watch(entity);
        await (journalWrite == "fails" ? Journal.OnWrite.Fail() : Journal.OnWrite.Reject());

        var publisher = CreateTestProbe();
        entity.Tell(new PublishToStream(new StreamKey.User(_userId), SseEncoder.Encode("update", "lost")), publisher.Ref);

        ExpectTerminated(entity);
        // Told to subscribe again, never given the event.
        subscriber.ExpectMsg<EntityStopped>();
        subscriber.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        // Never reported as recorded: the publisher's wait runs out and it retries.
        publisher.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        await Journal.OnWrite.Pass();
        await AssertNextIncarnationStartsAtOneAsync();
    }

    [Fact]
    public async Task An_entity_whose_stream_cannot_be_read_stops_without_acknowledging()
    {
        var first = StartUser();
        var seen = _client.Subscribe(first);
        _client.Publish(first, "written");
        seen.ExpectMsg<SseEvent>();
        Watch(first);
        first.Tell(StopForHandOff.Instance);
        ExpectTerminated(first);
        // The test journal fails a replay, not an empty stream's read: the stream above has an event.
        await Journal.OnRecovery.Fail();

        IActorRef entity = ActorRefs.Nobody;
        await AwaitAssertAsync(() => entity = StartUser());
        Watch(entity);
        var subscriber = CreateTestProbe();
        entity.Tell(new SubscribeToStream(new StreamKey.User(_userId), subscriber.Ref));

        ExpectTerminated(entity);
        subscriber.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task A_stream_whose_store_falls_behind_drops_publishes_past_its_backlog_unanswered_and_takes_them_again_once_caught_up()
    {
        var held = new HeldWrites();
        await Journal.OnWrite.SetInterceptorAsync(held);
        var entity = Sys.ActorOf(Entities.Of(new StreamKey.User(_userId), TimeSpan.FromMinutes(1), historySize: 100, TimeSpan.FromMinutes(10),
            durableHistory: true, maxBacklog: 5), $"user-{_userId}");
        var subscriber = _client.Subscribe(entity);
        var publisher = CreateTestProbe();

        // The store writes nothing yet: the events wait for it until the backlog is full, and what comes next is dropped.
        for (var i = 0; i < 8; i++)
        {
            entity.Tell(new PublishToStream(new StreamKey.User(_userId), SseEncoder.Encode("update", $"event {i}")), publisher.Ref);
            // Answered once the entity has taken the publish: its mailbox holds at most this subscribe as it does.
            entity.Tell(new SubscribeToStream(new StreamKey.User(_userId), subscriber.Ref));
            subscriber.ExpectMsg<SubscribedToStream>();
        }
        await held.Holding.WaitAsync(TimeSpan.FromSeconds(10));
        held.Release();

        // The backlog was recorded, in order; the dropped ones are never answered. Whether a publish's subscribe was already
        // in the mailbox as the publish was checked decides whether the fifth fits: it is event 4, or, once event 4 was
        // dropped with that subscribe counted, a later one checked without it.
        var recorded = publisher.ReceiveWhile(TimeSpan.FromSeconds(3), m => (EventRecorded)m, msgs: 8);
        Assert.InRange(recorded.Count, 4, 5);
        var delivered = subscriber.ReceiveN(recorded.Count).Cast<SseEvent>().Select(UserEntityClient.Data).ToList();
        Assert.Equal(Enumerable.Range(0, 4).Select(i => $"event {i}"), delivered.Take(4));
        Assert.All(delivered.Skip(4), fifth => Assert.Contains(fifth, Enumerable.Range(4, 4).Select(i => $"event {i}")));
        publisher.ExpectNoMsg(TimeSpan.FromMilliseconds(300));

        // Caught up: the next publish is recorded, numbered right after the last one kept.
        entity.Tell(new PublishToStream(new StreamKey.User(_userId), SseEncoder.Encode("update", "after")), publisher.Ref);
        publisher.ExpectMsg<EventRecorded>();
        Assert.Equal(recorded.Count + 1, subscriber.ExpectMsg<SseEvent>().Position!.Value.Seq);
    }

    /// <summary>Holds every journal write until released: the store falls behind.</summary>
    private sealed class HeldWrites : IJournalInterceptor
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _firstWrite = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task InterceptAsync(IPersistentRepresentation message)
        {
            _firstWrite.TrySetResult();
            await _released.Task;
        }

        /// <summary>Completes once the journal holds a write.</summary>
        public Task Holding => _firstWrite.Task;

        public void Release() => _released.TrySetResult();
    }

    /// <summary>The next incarnation reads the store: nothing of the unwritten event, so the next one is the stream's first.</summary>
    private async Task AssertNextIncarnationStartsAtOneAsync()
    {
        // The stopped incarnation's name is released a moment after its Terminated.
        IActorRef again = ActorRefs.Nobody;
        await AwaitAssertAsync(() => again = StartUser());
        var subscriber = _client.Subscribe(again);
        _client.Publish(again, "written");
        Assert.Equal(1, subscriber.ExpectMsg<SseEvent>().Position!.Value.Seq);
    }

    private IActorRef StartUser() =>
        Sys.ActorOf(Entities.User(_userId, TimeSpan.FromMinutes(1), historySize: 3, TimeSpan.FromMinutes(10), durableHistory: true), $"user-{_userId}");
}
