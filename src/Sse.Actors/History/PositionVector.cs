using System.Globalization;

namespace Sse.Actors.History;

/// <summary>
/// The event id of a connection with history on: the position of every stream of the connection,
/// in its order (user, then topics as requested), as <c>v1.&lt;epoch&gt;-&lt;seq&gt;.…</c> in lowercase hex.
/// A browser sends the last one back as <c>Last-Event-ID</c>, which resumes all the streams at once.
/// </summary>
internal static class PositionVector
{
    private const string Version = "v1";

    /// <summary>Longest id accepted; anything longer is treated as malformed without being looked at.</summary>
    public const int MaxLength = 4096;

    /// <summary>Bytes needed at most for <c>id: …\n</c> with <paramref name="streams"/> streams.</summary>
    public static int MaxIdLineBytes(int streams) => "id: v1".Length + streams * (1 + 8 + 1 + 16) + 1;

    /// <summary>Writes <c>id: v1.…\n</c> in UTF-8; returns the bytes written (the span must hold <see cref="MaxIdLineBytes"/>).</summary>
    public static int WriteIdLine(Span<byte> output, ReadOnlySpan<StreamPosition> positions)
    {
        "id: v1"u8.CopyTo(output);
        var written = 6;
        foreach (var position in positions)
        {
            output[written++] = (byte)'.';
            position.Epoch.TryFormat(output[written..], out var n, "x", CultureInfo.InvariantCulture);
            written += n;
            output[written++] = (byte)'-';
            position.Seq.TryFormat(output[written..], out n, "x", CultureInfo.InvariantCulture);
            written += n;
        }
        output[written++] = (byte)'\n';
        return written;
    }

    public static string Format(ReadOnlySpan<StreamPosition> positions)
    {
        Span<byte> line = stackalloc byte[MaxIdLineBytes(positions.Length)];
        var length = WriteIdLine(line, positions);
        return System.Text.Encoding.ASCII.GetString(line[4..(length - 1)]);
    }

    /// <summary>
    /// Reads an id written by <see cref="WriteIdLine"/> for a connection of <paramref name="streams"/> streams;
    /// false for anything else (another version, another number of streams, a negative or malformed number).
    /// </summary>
    public static bool TryParse(string? id, int streams, out StreamPosition[] positions)
    {
        positions = [];
        if (id is null || id.Length > MaxLength)
        {
            return false;
        }
        var rest = id.AsSpan();
        if (!rest.StartsWith(Version) || streams < 1)
        {
            return false;
        }
        rest = rest[Version.Length..];
        var parsed = new StreamPosition[streams];
        for (var i = 0; i < streams; i++)
        {
            if (rest.IsEmpty || rest[0] != '.')
            {
                return false;
            }
            rest = rest[1..];
            var end = rest.IndexOf('.');
            var part = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[end..];
            var dash = part.IndexOf('-');
            if (dash <= 0
                || !uint.TryParse(part[..dash], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var epoch)
                || !long.TryParse(part[(dash + 1)..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var seq)
                || seq < 0)
            {
                return false;
            }
            parsed[i] = new StreamPosition(epoch, seq);
        }
        if (!rest.IsEmpty)
        {
            return false;
        }
        positions = parsed;
        return true;
    }
}
