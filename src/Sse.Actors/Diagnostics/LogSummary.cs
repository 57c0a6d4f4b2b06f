namespace Sse.Actors.Diagnostics;

/// <summary>
/// One line for a flood instead of one per occurrence. The first occurrence after a quiet interval is written at once, with
/// its detail; those that follow within <c>interval</c> are counted by reason and written as one summary when it ends,
/// and so on while they keep coming. What a refusal or a resubscription flood costs the log is one line per interval;
/// the metrics count each one.
/// </summary>
internal sealed class LogSummary : IDisposable
{
    private readonly TimeSpan _interval;
    private readonly Action<Report> _write;
    private readonly ITimer _timer;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);
    private string? _example;
    // True from a written occurrence until an interval passes with nothing to summarise.
    private bool _busy;

    public LogSummary(TimeSpan interval, Action<Report> write, TimeProvider? time = null)
    {
        _interval = interval;
        _write = write;
        _timer = (time ?? TimeProvider.System).CreateTimer(_ => Flush(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>What to write: one occurrence as it happened (<see cref="Window"/> null), or those of the last interval.</summary>
    /// <param name="ByReason">Occurrences per reason, most first.</param>
    /// <param name="Example">The detail of the first of them.</param>
    public sealed record Report(long Count, IReadOnlyList<KeyValuePair<string, long>> ByReason, string Example, TimeSpan? Window)
    {
        /// <summary><c>unauthorized 1200, node_full 34</c>.</summary>
        public string Reasons => string.Join(", ", ByReason.Select(reason => $"{reason.Key} {reason.Value}"));
    }

    public void Add(string reason, string detail)
    {
        Report? now = null;
        lock (_lock)
        {
            if (_busy)
            {
                _counts[reason] = _counts.GetValueOrDefault(reason) + 1;
                _example ??= detail;
            }
            else
            {
                _busy = true;
                _timer.Change(_interval, Timeout.InfiniteTimeSpan);
                now = new Report(1, [new(reason, 1)], detail, null);
            }
        }
        if (now is not null)
        {
            _write(now);
        }
    }

    private void Flush()
    {
        Report summary;
        lock (_lock)
        {
            if (_counts.Count == 0)
            {
                _busy = false;
                return;
            }
            var byReason = _counts.OrderByDescending(reason => reason.Value).ThenBy(reason => reason.Key, StringComparer.Ordinal).ToList();
            summary = new Report(byReason.Sum(reason => reason.Value), byReason, _example!, _interval);
            _counts.Clear();
            _example = null;
            _timer.Change(_interval, Timeout.InfiniteTimeSpan);
        }
        _write(summary);
    }

    public void Dispose() => _timer.Dispose();
}
