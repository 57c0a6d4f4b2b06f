using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;
using Sse.Actors.Settings;

namespace Sse.Actors.Diagnostics;

/// <summary>
/// Part of <c>/readyz</c>: with a durable history store, whether its database answers. Unreachable is
/// <see cref="HealthStatus.Degraded"/> (still 200), not unhealthy: every node shares the database, and
/// taking them all out of the load balancer would cut every stream, while the streams go on without
/// the events of the entities that cannot write.
/// </summary>
internal sealed class SseHistoryStoreCheck(IOptions<SseOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var sse = options.Value;
        var store = sse.HistoryStore;
        if (sse.HistorySize == 0 || store.Provider == SseHistoryStore.Memory)
        {
            return HealthCheckResult.Healthy("no durable history store");
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(store.CheckTimeout);
        try
        {
            await using DbConnection connection = store.Provider == SseHistoryStore.Sqlite
                ? new SqliteConnection(store.EffectiveConnectionString)
                : new NpgsqlConnection(store.EffectiveConnectionString);
            await connection.OpenAsync(timeout.Token);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(timeout.Token);
            return HealthCheckResult.Healthy($"the {store.Provider} history store answers");
        }
        catch (Exception e) when (e is DbException or OperationCanceledException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            // The provider's message names the host or file, never the password.
            return HealthCheckResult.Degraded($"the {store.Provider} history store does not answer: {e.Message}");
        }
    }
}
