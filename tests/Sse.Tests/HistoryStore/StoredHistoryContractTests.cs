using Microsoft.Data.Sqlite;
using Sse.Tests.Http;
using Xunit;

namespace Sse.Tests.HistoryStore;

/// <summary>History in an SQLite file of its own.</summary>
public sealed class SqliteHistoryHost : HistoryBrokerHost
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sse-sqlite-").FullName;

    protected override Task<Dictionary<string, string>> StoreSettingsAsync() => Task.FromResult(new Dictionary<string, string>
    {
        ["Sse:HistoryStore:Provider"] = "Sqlite",
        ["Sse:HistoryStore:ConnectionString"] = $"Data Source={Path.Combine(_folder, "history.db")}",
    });

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

/// <summary>History in a PostgreSQL server of its own.</summary>
public sealed class PostgreSqlHistoryHost : HistoryBrokerHost
{
    private readonly PostgresServer _server = new();

    public override async Task InitializeAsync()
    {
        await _server.InitializeAsync();
        await base.InitializeAsync();
    }

    protected override async Task<Dictionary<string, string>> StoreSettingsAsync() => new()
    {
        ["Sse:HistoryStore:Provider"] = "PostgreSql",
        ["Sse:HistoryStore:ConnectionString"] = await _server.CreateDatabaseAsync(),
    };

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _server.DisposeAsync();
    }
}

/// <summary>The replay guarantees with the history in SQLite: every event is written before it is delivered.</summary>
[Trait("Category", TestCategories.Database)]
public sealed class SqliteHistoryTests(SqliteHistoryHost fixture) : HistoryContract(fixture), IClassFixture<SqliteHistoryHost>;

/// <summary>The replay guarantees with the history in PostgreSQL.</summary>
[Trait("Category", TestCategories.Database)]
public sealed class PostgreSqlHistoryTests(PostgreSqlHistoryHost fixture) : HistoryContract(fixture), IClassFixture<PostgreSqlHistoryHost>;
