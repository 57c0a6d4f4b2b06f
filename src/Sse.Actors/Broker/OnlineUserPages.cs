using static Sse.Actors.Broker.BrokerQueries;

namespace Sse.Actors.Broker;

/// <summary>
/// Paging the online users without shipping them all: each node answers with its own first ids after the cursor,
/// in one order, and the asking node merges those short sorted lists. The cursor is the last id of a page.
/// </summary>
internal static class OnlineUserPages
{
    /// <summary>A page's size when none is asked for.</summary>
    public const int DefaultLimit = 1000;

    /// <summary>The largest page: a node's part of it stays well inside the remote frame (a UUID id is 16 bytes: 80 KB, within Akka's default 128,000 B; ids of 256 characters: 1.3 MB, within the 4 MiB the broker sets).</summary>
    public const int MaxLimit = 5000;

    /// <summary>The order of the pages, the same on every node.</summary>
    internal static readonly IComparer<string> Order = StringComparer.Ordinal;

    /// <summary>A limit as the broker applies it: 1 to <see cref="MaxLimit"/>.</summary>
    internal static int Clamp(int limit) => Math.Clamp(limit, 1, MaxLimit);

    /// <summary>
    /// What a node asks every node for: one id more than the page holds, so the merged lists tell whether a page follows
    /// (a node with more than the page after the cursor returns more than the page).
    /// </summary>
    internal static GetNodeOnlineUsers NodeQuestion(GetOnlineUsers question) => new(question.After, Clamp(question.Limit) + 1);

    /// <summary>A node's first <paramref name="count"/> users after <paramref name="after"/> (at most a page and one), ascending.</summary>
    internal static string[] NodePage(IEnumerable<string> users, string? after, int count) =>
        [.. (after is { } cursor ? users.Where(user => Order.Compare(user, cursor) > 0) : users).Order(Order).Take(Math.Clamp(count, 0, MaxLimit + 1))];

    /// <summary>The page of <paramref name="question"/> from every answering node's part: each user once, ascending.</summary>
    internal static OnlineUsers Merge(GetOnlineUsers question, IEnumerable<IReadOnlyList<string>> nodePages)
    {
        var limit = Clamp(question.Limit);
        var merged = nodePages.SelectMany(page => page).Distinct().Order(Order).Take(limit + 1).ToList();
        if (merged.Count <= limit)
        {
            return new OnlineUsers(merged, Next: null);
        }
        merged.RemoveAt(limit);
        return new OnlineUsers(merged, Next: merged[^1]);
    }
}
