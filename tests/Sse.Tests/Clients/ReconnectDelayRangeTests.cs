using Sse.Actors.Clients;
using Sse.Actors.Settings;

namespace Sse.Tests.Clients;

[Trait("Category", TestCategories.Unit)]
public sealed class ReconnectDelayRangeTests
{
    private static readonly ReconnectDelayRange Range = new(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(6));

    [Fact]
    public void Delays_spread_evenly_over_the_whole_range()
    {
        var random = new Random(15);
        var delays = Enumerable.Range(0, 10_000).Select(_ => Range.Draw(random).TotalMilliseconds).ToList();

        Assert.All(delays, delay => Assert.InRange(delay, 3000, 6000));
        Assert.InRange(delays.Min(), 3000, 3010);
        Assert.InRange(delays.Max(), 5990, 6000);
        // Ten slices of 300 ms each get about a tenth: no second of the range takes the crowd.
        var slices = delays.GroupBy(delay => Math.Min(9, (int)((delay - 3000) / 300))).ToDictionary(slice => slice.Key, slice => slice.Count());
        Assert.Equal(10, slices.Count);
        Assert.All(slices.Values, count => Assert.InRange(count, 850, 1150));
        Assert.InRange(delays.Distinct().Count(), 2500, 3001);
    }

    [Fact]
    public void Delays_are_whole_milliseconds()
    {
        var random = new Random(9);

        Assert.All(Enumerable.Range(0, 100).Select(_ => Range.Draw(random)), delay => Assert.Equal(0, delay.Ticks % TimeSpan.TicksPerMillisecond));
    }

    [Fact]
    public void A_range_of_one_value_always_gives_that_value()
    {
        var fixedDelay = new ReconnectDelayRange(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3));

        Assert.All(Enumerable.Range(0, 100).Select(_ => fixedDelay.Draw()), delay => Assert.Equal(TimeSpan.FromSeconds(3), delay));
    }

    [Fact]
    public void Unset_ReconnectDelayMax_is_twice_ReconnectDelay()
    {
        var settings = new SseOptions { ReconnectDelay = TimeSpan.FromMilliseconds(200) }.ClientSettings();

        Assert.Equal(new ReconnectDelayRange(TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(400)), settings.ReconnectDelay);
    }

    [Fact]
    public void ReconnectDelayMax_sets_the_longest()
    {
        var settings = new SseOptions { ReconnectDelay = TimeSpan.FromSeconds(1), ReconnectDelayMax = TimeSpan.FromSeconds(10) }.ClientSettings();

        Assert.Equal(new ReconnectDelayRange(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10)), settings.ReconnectDelay);
    }
}
