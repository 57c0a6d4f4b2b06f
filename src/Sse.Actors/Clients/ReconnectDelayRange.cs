namespace Sse.Actors.Clients;

/// <summary>
/// The <c>retry:</c> a connection's welcome gives its browser, drawn per connection between <see cref="Shortest"/>
/// and <see cref="Longest"/> (whole milliseconds, evenly): the browsers of a node that stops come back spread over the
/// range instead of all at once.
/// </summary>
public readonly record struct ReconnectDelayRange(TimeSpan Shortest, TimeSpan Longest)
{
    /// <summary>One connection's delay.</summary>
    public TimeSpan Draw() => Draw(Random.Shared);

    internal TimeSpan Draw(Random random)
    {
        var shortest = (long)Shortest.TotalMilliseconds;
        var longest = Math.Max(shortest, (long)Longest.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(random.NextInt64(shortest, longest + 1));
    }
}
