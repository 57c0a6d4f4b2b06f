namespace Sse.Actors.Settings.Validation;

/// <summary>The rules of <c>Sse:HistoryStore</c>: a provider that has a history to keep, and what it needs.</summary>
internal static class HistoryStoreRules
{
    private const string S = SseOptions.SectionName;

    public static void Check(SseOptions options, Failures failures)
    {
        var store = options.HistoryStore;
        failures.Require(Enum.IsDefined(store.Provider), $"{S}:HistoryStore:Provider must be Memory, Sqlite or PostgreSql (is {store.Provider}).");
        failures.Require(store.Provider == SseHistoryStore.Memory || options.HistorySize > 0,
            $"{S}:HistoryStore:Provider {store.Provider} needs {S}:HistorySize above 0: there is no history to store.");
        failures.Require(store.Provider != SseHistoryStore.PostgreSql || !string.IsNullOrWhiteSpace(store.ConnectionString),
            $"{S}:HistoryStore:ConnectionString is required when {S}:HistoryStore:Provider is PostgreSql.");
        failures.Require(store.Provider != SseHistoryStore.Sqlite || (options.Cluster.SeedNodes.Length == 0 && !options.Cluster.Bootstrap.Enabled),
            $"{S}:HistoryStore:Provider Sqlite is a file on one node; a cluster ({S}:Cluster:SeedNodes or {S}:Cluster:Bootstrap is set) needs PostgreSql, which every node shares.");
        failures.RequireWait(store.CheckTimeout, $"{S}:HistoryStore:CheckTimeout", TimeSpan.FromMinutes(1));
        // Sharding's hand-off waits for the write (akka.cluster.sharding.handoff-timeout, 10 s by default); the entity's start waits for the read.
        failures.RequireWait(store.HandoverWriteTimeout, $"{S}:HistoryStore:HandoverWriteTimeout", TimeSpan.FromSeconds(10));
        failures.RequireWait(store.HandoverReadTimeout, $"{S}:HistoryStore:HandoverReadTimeout", TimeSpan.FromSeconds(10));
    }
}
