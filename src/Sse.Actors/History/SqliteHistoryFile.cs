using Microsoft.Data.Sqlite;
using Sse.Actors.Settings;

namespace Sse.Actors.History;

/// <summary>The SQLite file of the durable history store, made ready before the journal opens it.</summary>
internal static class SqliteHistoryFile
{
    /// <summary>
    /// Creates the file's folder and turns on write-ahead logging (kept in the file): the journal's
    /// writes then do not block its reads, and a batch commits with one sync instead of two.
    /// </summary>
    public static void Prepare(string connectionString)
    {
        var dataSource = new SqliteConnectionStringBuilder(connectionString).DataSource;
        try
        {
            if (Path.GetDirectoryName(Path.GetFullPath(dataSource)) is { Length: > 0 } folder)
            {
                Directory.CreateDirectory(folder);
            }
            using var connection = new SqliteConnection(connectionString);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=WAL;";
            command.ExecuteNonQuery();
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            // At start, once: the node does not run without the store it was told to use.
            throw new InvalidOperationException(
                $"{SseOptions.SectionName}:HistoryStore:ConnectionString: the SQLite file '{dataSource}' cannot be opened: {e.Message}", e);
        }
    }
}
