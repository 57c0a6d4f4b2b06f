using Sse.Actors.Broker;
using Sse.Actors.Events;
using Sse.Actors.Streams;
using static Sse.Actors.Streams.StreamProtocol;

namespace Sse.Tests.Broker;

/// <summary>
/// The node's bound on publishes waiting for their streams (<c>Sse:Limits:MaxPendingPublishes</c>): past it a publish
/// waits for room before it is sent, and one that finds the waiting line full too is refused at once.
/// </summary>
[Trait("Category", TestCategories.Unit)]
public sealed class PublishReceiptsTests : Akka.TestKit.Xunit2.TestKit
{
    public PublishReceiptsTests() : base(SseTestConfig.SerializeMessages) => Sys.WithNodeExtensions(receipts: new PublishReceiptsSettings(MaxPending: 2));

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Past_the_bound_a_publish_waits_for_room_and_one_that_finds_the_line_full_is_refused_at_once()
    {
        var receipts = PublishReceipts.For(Sys);
        var region = CreateTestProbe();
        var stream = new StreamKey.User(Guid.NewGuid().ToString());
        var publishes = Enumerable.Range(0, 5).Select(i => new PublishToStream(stream, SseEncoder.Encode("n", $"{i}"))).ToArray();

        var first = receipts.RecordAsync(region.Ref, publishes[0], Timeout, default);
        var second = receipts.RecordAsync(region.Ref, publishes[1], Timeout, default);
        var third = receipts.RecordAsync(region.Ref, publishes[2], Timeout, default);
        var fourth = receipts.RecordAsync(region.Ref, publishes[3], Timeout, default);

        // Two are sent; two wait for room, which fills the line: the fifth is refused without being sent.
        ExpectPublish(region, publishes[0]);
        ExpectPublish(region, publishes[1]);
        var refused = await Assert.ThrowsAsync<PublishTimeoutException>(() => receipts.RecordAsync(region.Ref, publishes[4], Timeout, default));
        Assert.Contains("MaxPendingPublishes", refused.Message);
        Assert.Equal(4, receipts.Pending);
        Assert.False(third.IsCompleted);

        // Each answer makes room for the next in line, in order.
        region.Reply(new EventRecorded(stream, publishes[0].Event.Id, publishes[0].Event.Id));
        Assert.Equal(publishes[0].Event.Id, await first);
        ExpectPublish(region, publishes[2]);
        region.Reply(new EventRecorded(stream, publishes[1].Event.Id, publishes[1].Event.Id));
        ExpectPublish(region, publishes[3]);
        foreach (var publish in publishes[2..4])
        {
            region.Send(region.LastSender, new EventRecorded(stream, publish.Event.Id, publish.Event.Id));
        }
        Assert.Equal([publishes[1].Event.Id, publishes[2].Event.Id, publishes[3].Event.Id], await Task.WhenAll(second, third, fourth));
        await AwaitAssertAsync(() => Assert.Equal(0, receipts.Pending));
    }

    [Fact]
    public async Task A_publish_that_waits_for_room_longer_than_its_timeout_is_refused_unsent()
    {
        var receipts = PublishReceipts.For(Sys);
        var region = CreateTestProbe();
        var stream = new StreamKey.User(Guid.NewGuid().ToString());
        var held = Enumerable.Range(0, 2).Select(i => receipts.RecordAsync(region.Ref, new PublishToStream(stream, SseEncoder.Encode("n", $"{i}")), Timeout, default)).ToArray();
        region.ReceiveN(2);

        var refused = await Assert.ThrowsAsync<PublishTimeoutException>(() =>
            receipts.RecordAsync(region.Ref, new PublishToStream(stream, SseEncoder.Encode("n", "late")), TimeSpan.FromMilliseconds(200), default));

        region.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.False(held[0].IsCompleted);
    }

    [Fact]
    public async Task A_batch_larger_than_the_bound_takes_the_whole_bound_and_is_sent_in_order()
    {
        var receipts = PublishReceipts.For(Sys);
        var region = CreateTestProbe();
        var stream = new StreamKey.User(Guid.NewGuid().ToString());
        var publishes = Enumerable.Range(0, 4).Select(i => (PublishToStream?)new PublishToStream(stream, SseEncoder.Encode("n", $"{i}"))).ToArray();
        var recordedAs = new string?[4];

        var batch = receipts.RecordAllAsync(publishes, _ => region.Ref, recordedAs, Timeout, default);

        foreach (var publish in publishes)
        {
            ExpectPublish(region, publish!);
            region.Reply(new EventRecorded(stream, publish!.Event.Id, publish.Event.Id));
        }
        Assert.True(await batch);
        Assert.Equal(publishes.Select(p => p!.Event.Id), recordedAs);
    }

    // Serialized on the way (serialize-messages): the same event, not the same object.
    private static void ExpectPublish(Akka.TestKit.TestProbe region, PublishToStream publish) =>
        region.ExpectMsg<PublishToStream>(m => m.Event.Id == publish.Event.Id);
}
