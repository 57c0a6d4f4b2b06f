namespace Sse.Tests;

/// <summary>Waits for a fact that nothing announces (stats, membership, a shard moving) by asking again until it holds.</summary>
internal static class Eventually
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    /// <param name="describe">What was seen instead, for the failure message.</param>
    public static async Task HoldsAsync(Func<Task<bool>> condition, TimeSpan limit, Func<Task<string>> describe)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"not within {limit}: {await describe()}");
            }
            await Task.Delay(PollInterval);
        }
    }

    public static Task HoldsAsync(Func<Task<bool>> condition, TimeSpan limit, string what) =>
        HoldsAsync(condition, limit, () => Task.FromResult(what));

    public static Task HoldsAsync(Func<bool> condition, TimeSpan limit, Func<string> describe) =>
        HoldsAsync(() => Task.FromResult(condition()), limit, () => Task.FromResult(describe()));
}
