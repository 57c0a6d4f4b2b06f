using System.Diagnostics;
using Npgsql;
using Sse.Tests.Cluster;
using Xunit;

namespace Sse.Tests.HistoryStore;

/// <summary>
/// A private PostgreSQL server for the tests: Debian's binaries (package <c>postgresql</c>, which
/// <c>.ci/run</c> installs), a fresh cluster in a temporary folder, listening on 127.0.0.1 at a free
/// port, removed afterwards. Each test takes its own database (<see cref="CreateDatabaseAsync"/>).
/// Missing binaries fail the tests with what to install: they never skip.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private const string BinariesRoot = "/usr/lib/postgresql";
    private string _folder = "";
    private string _bin = "";
    private int _port;

    public async Task InitializeAsync()
    {
        _bin = Directory.Exists(BinariesRoot)
            ? Directory.GetDirectories(BinariesRoot).Select(v => Path.Combine(v, "bin")).Where(b => File.Exists(Path.Combine(b, "initdb"))).Order().LastOrDefault() ?? ""
            : "";
        if (_bin.Length == 0)
        {
            throw new InvalidOperationException($"PostgreSQL's server binaries are not under {BinariesRoot}: apt-get install postgresql (.ci/run does).");
        }
        _folder = Directory.CreateTempSubdirectory("sse-pg-").FullName;
        _port = ClusterNodes.FreePort();
        // PostgreSQL refuses to run as root: the cluster belongs to the postgres user then.
        if (Environment.UserName == "root")
        {
            await RunAsync("chown", "postgres", _folder);
        }
        var data = Path.Combine(_folder, "data");
        await RunPostgresAsync("initdb", "-D", data, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8");
        // No fsync: the tests kill broker processes, never this server.
        await RunPostgresAsync("pg_ctl", "-D", data, "-w", "-t", "60", "-l", Path.Combine(_folder, "server.log"), "start",
            "-o", $"-p {_port} -k {_folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200");
    }

    /// <summary>An empty database of its own, as a connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"sse_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(ConnectionString("postgres")))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }
        return ConnectionString(name);
    }

    private string ConnectionString(string database) => $"Host=127.0.0.1;Port={_port};Username=postgres;Database={database}";

    public async Task DisposeAsync()
    {
        if (_folder.Length == 0)
        {
            return;
        }
        NpgsqlConnection.ClearAllPools();
        try
        {
            await RunPostgresAsync("pg_ctl", "-D", Path.Combine(_folder, "data"), "-w", "-m", "immediate", "stop");
        }
        finally
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private Task RunPostgresAsync(string program, params string[] args) =>
        Environment.UserName == "root"
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, program), .. args])
            : RunAsync(Path.Combine(_bin, program), args);

    private static async Task RunAsync(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited with {process.ExitCode}: {await output}{await error}");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}
