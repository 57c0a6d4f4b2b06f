using System.Text.Json;
using Microsoft.Data.Sqlite;
using Npgsql;
using Sse.Actors.Events;
using Sse.Tests.Cluster;
using Sse.Tests.Http;
using Xunit;
using Sse.Actors.History;
using Sse.Actors.Streams;

namespace Sse.Tests.HistoryStore;

/// <summary>
/// What the durable store adds to the in-memory history: a node that stops, restarts or is killed keeps
/// every stream's history, so its browsers resume without a reset. Each test has a database of its own.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", TestCategories.Chaos)]
public sealed class StoredHistoryRestartTests(PostgresServer postgres) : IAsyncLifetime
{
    private const int HistorySize = 16;
    private readonly string _folder = Directory.CreateTempSubdirectory("sse-sqlite-").FullName;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData("Sqlite", "uuid")]
    [InlineData("PostgreSql", "uuid")]
    // Longer than the journal's persistence_id column holds (255), with the characters keys are made of: stored under its hash.
    [InlineData("PostgreSql", "longest")]
    public async Task A_restarted_node_replays_what_each_stream_missed_without_a_reset(string provider, string user)
    {
        var settings = await StoreAsync(provider);
        var userId = user == "uuid" ? Guid.NewGuid().ToString() : $"auth0|{Guid.NewGuid():N}~u:t,#".PadRight(SseIds.MaxLength, 'x');
        var topic = $"news-{Guid.NewGuid():N}";
        string lastId;
        await using (var before = await BrokerHost.StartAsync(settings))
        {
            await using (var first = await before.ConnectAsync(userId, topic))
            {
                await before.Broker.SendToUserAsync(userId, "update", "seen");
                lastId = (await first.NextEventAsync()).EventId!;
            }
            // Delivered to a witness means written: the store writes an event before it is delivered.
            await using var witness = await before.ConnectAsync(userId, topic);
            for (var i = 1; i <= 3; i++)
            {
                await before.Broker.SendToUserAsync(userId, "update", $"user-{i}");
                await before.Broker.SendToTopicAsync(topic, "update", $"topic-{i}");
                await before.Broker.BroadcastAsync("notice", $"broadcast-{i}");
            }
            await ReadAllAsync(witness, 9);
        }

        await using var after = await BrokerHost.StartAsync(settings);
        await using var second = await SseStream.OpenAsync(after.Client, BrokerHost.StreamPath(userId, topic), lastId);
        await second.WelcomeAsync();

        var received = await ReadAllAsync(second, 9);
        Assert.DoesNotContain(received, item => item.EventType == "reset");
        Assert.Equal(["user-1", "user-2", "user-3"], received.Select(item => item.Data).Where(d => d.StartsWith("user-", StringComparison.Ordinal)));
        Assert.Equal(["topic-1", "topic-2", "topic-3"], received.Select(item => item.Data).Where(d => d.StartsWith("topic-", StringComparison.Ordinal)));
        Assert.Equal(["broadcast-1", "broadcast-2", "broadcast-3"], received.Select(item => item.Data).Where(d => d.StartsWith("broadcast-", StringComparison.Ordinal)));
        await HistoryContract.AssertNextIsOnlyAsync(after, second, userId);
        // Every stream's id fits a persistence_id column of 255 characters (Akka.Persistence.Sql's declared length;
        // the tables it creates here are text, a schema made by hand or another database may not be).
        Assert.InRange(await LongestPersistenceIdAsync(provider, settings), 1, 255);
        // The restarted streams go on with the same numbering.
        Assert.True(PositionVector.TryParse(received[^1].EventId, 3, out var positions));
        Assert.True(PositionVector.TryParse(lastId, 3, out var seen));
        Assert.Equal(seen[0] with { Seq = seen[0].Seq + 3 }, positions[0]);
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("PostgreSql")]
    public async Task A_stream_that_never_had_an_event_resumes_after_a_restart_without_a_reset(string provider)
    {
        var settings = await StoreAsync(provider);
        var userId = Guid.NewGuid().ToString();
        string welcomeId;
        await using (var before = await BrokerHost.StartAsync(settings))
        {
            await using var first = await before.ConnectAsync(userId);
            welcomeId = first.WelcomeId!;
        }

        await using var after = await BrokerHost.StartAsync(settings);
        await using var second = await SseStream.OpenAsync(after.Client, BrokerHost.StreamPath(userId), welcomeId);
        await second.WelcomeAsync();

        Assert.Equal(welcomeId, second.WelcomeId);
        await HistoryContract.AssertNextIsOnlyAsync(after, second, userId);
    }

    [Fact]
    public async Task A_killed_single_node_keeps_every_event_it_delivered()
    {
        var settings = new Dictionary<string, string>(await StoreAsync("Sqlite"))
        {
            ["Serilog:MinimumLevel:Default"] = "Warning",
            ["Sse:Auth:AllowQueryString"] = "true",
            ["Sse:Publish:AllowAnonymous"] = "true",
        };
        var userId = Guid.NewGuid().ToString();
        string lastId;
        await using (var victim = await StartProcessAsync(settings))
        {
            await using (var first = await victim.ConnectAsync(userId))
            {
                await SendAsync(victim, userId, "seen");
                lastId = (await first.NextEventAsync()).EventId!;
            }
            await using var witness = await victim.ConnectAsync(userId);
            for (var i = 1; i <= 3; i++)
            {
                await SendAsync(victim, userId, $"missed-{i}");
            }
            await ReadAllAsync(witness, 3);
            victim.Kill();
        }

        await using var restarted = await StartProcessAsync(settings);
        await using var second = await SseStream.OpenAsync(restarted.Client, BrokerHost.StreamPath(userId), lastId);
        await second.WelcomeAsync();

        var received = await ReadAllAsync(second, 3);
        Assert.Equal(["missed-1", "missed-2", "missed-3"], received.Select(item => item.Data));
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("PostgreSql")]
    public async Task After_its_retention_a_streams_stored_history_is_deleted_and_a_late_browser_gets_a_reset(string provider)
    {
        var settings = new Dictionary<string, string>(await StoreAsync(provider))
        {
            ["Sse:EmptyEntityPassivation"] = "00:00:00.500",
            ["Sse:HistoryRetention"] = "00:00:01",
        };
        var userId = Guid.NewGuid().ToString();
        await using var host = await BrokerHost.StartAsync(settings);
        string lastId;
        await using (var first = await host.ConnectAsync(userId))
        {
            await host.Broker.SendToUserAsync(userId, "update", "seen");
            lastId = (await first.NextEventAsync()).EventId!;
        }
        Assert.Equal(1, await StoredEventsAsync(provider, settings, new StreamKey.User(userId).PersistenceId));

        await Eventually.HoldsAsync(async () => await StoredEventsAsync(provider, settings, new StreamKey.User(userId).PersistenceId) == 0,
            TimeSpan.FromSeconds(15), "the stored events deleted after the retention");

        await using var late = await SseStream.OpenAsync(host.Client, BrokerHost.StreamPath(userId), lastId);
        await late.WelcomeAsync();
        var reset = await late.NextEventAsync();
        Assert.Equal("reset", reset.EventType);
        using var data = JsonDocument.Parse(reset.Data);
        Assert.Equal(["user"], data.RootElement.GetProperty("streams").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task The_store_keeps_a_bounded_number_of_events_per_stream()
    {
        const int sent = 1200;
        // The witness reads every event: its buffer holds them all, so it is never dropped as a slow consumer.
        var settings = new Dictionary<string, string>(await StoreAsync("Sqlite")) { ["Sse:ClientBufferSize"] = $"{sent}" };
        var userId = Guid.NewGuid().ToString();
        await using var host = await BrokerHost.StartAsync(settings);
        await using var witness = await host.ConnectAsync(userId);
        for (var i = 1; i <= sent; i++)
        {
            await host.Broker.SendToUserAsync(userId, "update", $"e{i}");
        }
        await ReadAllAsync(witness, sent);

        // HistorySize, plus at most one trim step (500 events) not yet deleted; a delete completes after the delivery.
        long kept = 0;
        await Eventually.HoldsAsync(async () => (kept = await StoredEventsAsync("Sqlite", settings, new StreamKey.User(userId).PersistenceId)) <= HistorySize + 500,
            TimeSpan.FromSeconds(15), () => Task.FromResult($"{kept} events stored"));
        Assert.True(kept >= HistorySize, $"{kept} events stored");
    }

    private async Task<Dictionary<string, string>> StoreAsync(string provider) => new()
    {
        ["Sse:HistorySize"] = HistorySize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Sse:HistoryStore:Provider"] = provider,
        ["Sse:HistoryStore:ConnectionString"] = provider == "Sqlite"
            ? $"Data Source={Path.Combine(_folder, "history.db")}"
            : await postgres.CreateDatabaseAsync(),
    };

    private static async Task<long> LongestPersistenceIdAsync(string provider, IDictionary<string, string> settings)
    {
        var connectionString = settings["Sse:HistoryStore:ConnectionString"];
        await using System.Data.Common.DbConnection connection = provider == "Sqlite" ? new SqliteConnection(connectionString) : new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT MAX(LENGTH(persistence_id)) FROM journal";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The events the journal holds for <paramref name="persistenceId"/> (not marked deleted).</summary>
    private static async Task<long> StoredEventsAsync(string provider, IDictionary<string, string> settings, string persistenceId)
    {
        var connectionString = settings["Sse:HistoryStore:ConnectionString"];
        await using System.Data.Common.DbConnection connection = provider == "Sqlite" ? new SqliteConnection(connectionString) : new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM journal WHERE persistence_id = @id AND deleted = @deleted";
        AddParameter(command, "@id", persistenceId);
        AddParameter(command, "@deleted", false);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void AddParameter(System.Data.Common.DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private static async Task<HostProcess> StartProcessAsync(IDictionary<string, string> settings)
    {
        var node = HostProcess.Start(seed: null, ClusterNodes.FreePort(), settings);
        await Eventually.HoldsAsync(node.IsReadyAsync, TimeSpan.FromSeconds(60), () => Task.FromResult($"the host ready; it wrote:\n{node.Output}"));
        return node;
    }

    private static Task SendAsync(HostProcess node, string userId, string data) =>
        node.SendAsync(new { target_type = "user", user_id = userId, @event = "update", data });

    /// <summary>The next <paramref name="count"/> events (not heartbeats), in the order they came.</summary>
    private static async Task<List<System.Net.ServerSentEvents.SseItem<string>>> ReadAllAsync(SseStream stream, int count)
    {
        var received = new List<System.Net.ServerSentEvents.SseItem<string>>();
        while (received.Count < count)
        {
            received.Add(await stream.NextEventAsync());
        }
        return received;
    }
}
