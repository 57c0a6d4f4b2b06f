namespace Sse.Actors.Settings;

/// <summary>Where the replay history of <see cref="SseOptions.HistorySize"/> is kept.</summary>
public enum SseHistoryStore
{
    /// <summary>In each stream's entity; handed over when sharding moves it, lost with a killed node or a stopped single node.</summary>
    Memory,

    /// <summary>An embedded SQLite file through Akka.Persistence: survives restarts of a single node. Not for a cluster (one file per node).</summary>
    Sqlite,

    /// <summary>PostgreSQL through Akka.Persistence, shared by every node: survives restarts and killed nodes of a cluster.</summary>
    PostgreSql,
}

/// <summary>The durable history store (<c>Sse:HistoryStore</c> section). See docs/history.md.</summary>
public sealed class SseHistoryStoreOptions
{
    /// <summary>The SQLite file when <see cref="ConnectionString"/> is empty, relative to the working directory.</summary>
    public const string DefaultSqliteConnectionString = "Data Source=sse-history.db";

    /// <summary><c>Memory</c> (default), <c>Sqlite</c> or <c>PostgreSql</c>; a durable store needs <see cref="SseOptions.HistorySize"/> &gt; 0.</summary>
    public SseHistoryStore Provider { get; set; } = SseHistoryStore.Memory;

    /// <summary>
    /// The database: an ADO.NET connection string (Microsoft.Data.Sqlite or Npgsql). Required for PostgreSql;
    /// for Sqlite, empty means <see cref="DefaultSqliteConnectionString"/>. Never logged.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>How long the readiness check (<c>/readyz</c>) waits for a durable store's database to answer; past it, Degraded.</summary>
    public TimeSpan CheckTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// History in memory: how long an entity that sharding moves waits for its history to be written to every node before it
    /// stops. A node that does not answer in time misses a snapshot it would not need; sharding's hand-off waits for it.
    /// </summary>
    public TimeSpan HandoverWriteTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// History in memory: how long a starting entity waits for a majority of the nodes to say whether a previous incarnation
    /// left its history; past it, this node's replica is read. The entity serves nothing meanwhile.
    /// </summary>
    public TimeSpan HandoverReadTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The connection string the store uses.</summary>
    internal string EffectiveConnectionString =>
        string.IsNullOrWhiteSpace(ConnectionString) && Provider == SseHistoryStore.Sqlite ? DefaultSqliteConnectionString : ConnectionString ?? "";
}
