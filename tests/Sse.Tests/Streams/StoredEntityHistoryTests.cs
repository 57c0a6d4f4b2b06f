using Akka.Actor;
using Akka.Configuration;
using Sse.Actors.Events;
using Sse.Actors.Streams;
using Sse.Actors.History;
using static Sse.Actors.Streams.StreamProtocol;

namespace Sse.Tests.Streams;

/// <summary>
/// A user entity with the durable history store, on Akka.Persistence's in-memory journal (it stands for
/// SQLite and PostgreSQL, which the HistoryStore tests use): events are written before delivery, and
/// an entity started again under the same name goes on from what the journal holds.
/// </summary>
[Trait("Category", TestCategories.Unit)]
public sealed class StoredEntityHistoryTests : Akka.TestKit.Xunit2.TestKit
{
    private const int HistorySize = 3;
    private readonly string _userId = Guid.NewGuid().ToString();
    private readonly UserEntityClient _client;

    public StoredEntityHistoryTests()
        : base(ConfigurationFactory.ParseString("akka.persistence.journal.plugin = \"akka.persistence.journal.inmem\"")
            .WithFallback(SseTestConfig.SerializeMessages))
    {
        Sys.WithNodeExtensions();
        _client = new UserEntityClient(this, _userId);
    }

    [Fact]
    public void An_entity_started_again_continues_the_epoch_and_numbering_and_replays_what_was_missed()
    {
        var first = StartUser();
        var subscriber = _client.Subscribe(first);
        _client.Publish(first, "a", "b");
        var seen = subscriber.ExpectMsg<SseEvent>();
        subscriber.ExpectMsg<SseEvent>();
        StopAndWait(first);

        var again = StartAgain();
        var replay = _client.SubscribeFrom(again, seen.Position);

        Assert.False(replay.Gap);
        Assert.Equal(["b"], replay.Missed.Select(UserEntityClient.Data));
        Assert.Equal(new StreamPosition(seen.Position!.Value.Epoch, 2), replay.Now);
        var live = _client.Subscribe(again);
        _client.Publish(again, "c");
        Assert.Equal(new StreamPosition(seen.Position.Value.Epoch, 3), live.ExpectMsg<SseEvent>().Position);
    }

    [Fact]
    public void The_publisher_is_told_the_event_is_recorded_once_the_journal_has_written_it()
    {
        var entity = StartUser();
        var publisher = CreateTestProbe();
        var sseEvent = SseEncoder.Encode("update", "kept");

        entity.Tell(new PublishToStream(new StreamKey.User(_userId), sseEvent), publisher.Ref);

        Assert.Equal(sseEvent.Id, publisher.ExpectMsg<EventRecorded>().EventId);
        StopAndWait(entity);
        // The next incarnation reads it back: the stream's first event is stored.
        Assert.Equal(1, _client.SubscribeFrom(StartAgain(), null).Now.Seq);
    }

    [Fact]
    public void A_retry_after_the_entity_started_again_is_recognised_from_the_store()
    {
        var first = StartUser();
        var recorded = _client.PublishNamed(first, "order-1", "a");
        StopAndWait(first);

        var again = StartAgain();
        var retry = _client.PublishNamed(again, "order-1", "a");

        Assert.Equal(recorded.RecordedAs, retry.RecordedAs);
        Assert.Equal(1, _client.SubscribeFrom(again, null).Now.Seq);
    }

    [Fact]
    public void A_retry_while_the_first_is_being_written_is_answered_with_it()
    {
        var entity = StartUser();
        var publisher = CreateTestProbe();
        var first = SseEncoder.Encode("update", "a") with { MessageId = "order-1" };
        var retry = SseEncoder.Encode("update", "a") with { MessageId = "order-1" };

        entity.Tell(new PublishToStream(new StreamKey.User(_userId), first), publisher.Ref);
        entity.Tell(new PublishToStream(new StreamKey.User(_userId), retry), publisher.Ref);

        var answers = publisher.ReceiveN(2).Cast<EventRecorded>().ToList();
        Assert.Equal([first.Id, retry.Id], answers.Select(a => a.EventId).Order());
        Assert.All(answers, answer => Assert.Equal(first.Id, answer.RecordedAs));
        Assert.Equal(1, _client.SubscribeFrom(entity, null).Now.Seq);
    }

    [Fact]
    public void A_stream_that_never_had_an_event_has_the_same_epoch_in_every_incarnation()
    {
        var first = StartUser();
        var before = _client.SubscribeFrom(first, null).Now;
        StopAndWait(first);

        var after = _client.SubscribeFrom(StartAgain(), null).Now;

        Assert.Equal(new StreamPosition(before.Epoch, 0), after);
    }

    [Fact]
    public void Trimming_the_journal_keeps_the_last_events_of_the_window()
    {
        var first = StartUser();
        var subscriber = _client.Subscribe(first);
        // More than one trim step (TrimEvery is at least 500 events).
        var data = Enumerable.Range(1, 1200).Select(i => $"e{i}").ToArray();
        _client.Publish(first, data);
        var last = subscriber.ReceiveN(data.Length).Cast<SseEvent>().Last();
        StopAndWait(first);

        var again = StartAgain();
        var epoch = last.Position!.Value.Epoch;

        Assert.Equal(["e1198", "e1199", "e1200"], _client.SubscribeFrom(again, new StreamPosition(epoch, 1197)).Missed.Select(UserEntityClient.Data));
        Assert.True(_client.SubscribeFrom(again, new StreamPosition(epoch, 1196)).Gap);
    }

    private IActorRef StartUser() =>
        Sys.ActorOf(Entities.User(_userId, TimeSpan.FromMinutes(1), HistorySize, TimeSpan.FromMinutes(10), durableHistory: true), $"user-{_userId}");

    /// <summary>The next incarnation, under the same name (so the same persistence id), released a moment after the last one's Terminated.</summary>
    private IActorRef StartAgain()
    {
        IActorRef again = ActorRefs.Nobody;
        AwaitAssert(() => again = StartUser());
        return again;
    }

    private void StopAndWait(IActorRef entity)
    {
        Watch(entity);
        entity.Tell(StopForHandOff.Instance);
        ExpectTerminated(entity);
    }
}
