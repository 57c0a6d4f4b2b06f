using Sse.Actors.Mailboxes;

namespace Sse.Tests.Mailboxes;

/// <summary>The ring under a client actor's mailbox and its connection's buffer, as a plain struct.</summary>
[Trait("Category", TestCategories.Unit)]
public sealed class GrowingRingTests
{
    [Fact]
    public void Items_come_out_in_the_order_they_went_in_across_growth_and_wrap_around()
    {
        var ring = new GrowingRing<int>();
        Add(ref ring, Enumerable.Range(0, 3));
        Assert.Equal([0, 1], Take(ref ring, 2));

        Add(ref ring, Enumerable.Range(3, 100));

        Assert.Equal(Enumerable.Range(2, 101), Take(ref ring, int.MaxValue));
    }

    [Fact]
    public void A_bounded_ring_refuses_one_more_and_grows_no_further_than_its_bound()
    {
        var ring = new GrowingRing<int>(bound: 10);

        Add(ref ring, Enumerable.Range(0, 10));

        Assert.True(ring.IsFull);
        Assert.False(ring.TryAddLast(10));
        Assert.False(ring.TryAddFirst(-1));
        Assert.Equal(10, ring.Capacity);
        Assert.Equal(Enumerable.Range(0, 10), Take(ref ring, int.MaxValue));
    }

    [Fact]
    public void An_item_put_back_first_comes_out_before_the_queued_ones()
    {
        var ring = new GrowingRing<int>();
        Add(ref ring, [3, 4, 5, 6]);

        Assert.True(ring.TryAddFirst(2));
        Assert.True(ring.TryAddFirst(1));

        Assert.Equal([1, 2, 3, 4, 5, 6], Take(ref ring, int.MaxValue));
    }

    [Fact]
    public void A_burst_keeps_its_slots_until_a_quiet_run_shows_the_bursts_are_over()
    {
        var ring = new GrowingRing<int>();
        Assert.Equal(GrowingRing.InitialCapacity, ring.Capacity);

        Add(ref ring, Enumerable.Range(0, 200));
        Take(ref ring, int.MaxValue);
        Assert.True(ring.Capacity >= 200);
        Add(ref ring, [1]);
        Take(ref ring, int.MaxValue);

        Assert.Equal(GrowingRing.InitialCapacity, ring.Capacity);
        Assert.Equal(0, ring.Count);
        Assert.False(ring.TryTakeFirst(out _));
    }

    private static void Add(ref GrowingRing<int> ring, IEnumerable<int> items)
    {
        foreach (var item in items)
        {
            Assert.True(ring.TryAddLast(item));
        }
    }

    private static List<int> Take(ref GrowingRing<int> ring, int most)
    {
        List<int> taken = [];
        while (taken.Count < most && ring.TryTakeFirst(out var item))
        {
            taken.Add(item);
        }
        return taken;
    }
}
