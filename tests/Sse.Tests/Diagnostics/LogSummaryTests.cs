using Microsoft.Extensions.Time.Testing;
using Sse.Actors.Diagnostics;

namespace Sse.Tests.Diagnostics;

[Trait("Category", TestCategories.Unit)]
public sealed class LogSummaryTests : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new();
    private readonly List<LogSummary.Report> _written = [];
    private readonly LogSummary _summary;

    public LogSummaryTests() => _summary = new LogSummary(Interval, _written.Add, _time);

    public void Dispose() => _summary.Dispose();

    [Fact]
    public void The_first_occurrence_is_written_at_once_with_its_detail()
    {
        _summary.Add("unauthorized", "token expired");

        var first = Assert.Single(_written);
        Assert.Null(first.Window);
        Assert.Equal("token expired", first.Example);
        Assert.Equal("unauthorized 1", first.Reasons);
    }

    [Fact]
    public void A_flood_within_the_interval_is_one_summary_counted_by_reason()
    {
        _summary.Add("node_full", "first");
        for (var i = 0; i < 1000; i++)
        {
            _summary.Add(i % 10 == 0 ? "unauthorized" : "node_full", $"detail {i}");
        }

        Assert.Single(_written);
        _time.Advance(Interval);

        Assert.Equal(2, _written.Count);
        var summary = _written[1];
        Assert.Equal(1000, summary.Count);
        Assert.Equal(Interval, summary.Window);
        Assert.Equal("node_full 900, unauthorized 100", summary.Reasons);
        Assert.Equal("detail 0", summary.Example);
    }

    [Fact]
    public void A_flood_that_goes_on_is_one_summary_per_interval()
    {
        _summary.Add("node_full", "first");
        for (var second = 0; second < 60; second++)
        {
            _summary.Add("node_full", $"second {second}");
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        // The first, then one line per 10 s: 7 lines for a minute of refusals, not 61.
        Assert.Equal(7, _written.Count);
        Assert.Equal(60, _written.Skip(1).Sum(report => report.Count));
    }

    [Fact]
    public void After_a_quiet_interval_the_next_occurrence_is_written_at_once_again()
    {
        _summary.Add("gap", "one");
        _time.Advance(Interval);
        _time.Advance(Interval);

        _summary.Add("moved", "two");

        Assert.Equal(2, _written.Count);
        Assert.All(_written, report => Assert.Null(report.Window));
        Assert.Equal("two", _written[1].Example);
    }

    [Fact]
    public void Nothing_after_the_first_writes_no_summary()
    {
        _summary.Add("gap", "one");
        _time.Advance(Interval * 5);

        Assert.Single(_written);
    }
}
