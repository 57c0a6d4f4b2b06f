using System.Runtime.Serialization;

namespace Sse.Actors.Serialization;

/// <summary>
/// The wire formats by message type and by manifest. Checked as it is built, when the serializer starts: a type with two
/// rows, or a manifest of two rows, would make one message read as another.
/// </summary>
internal sealed class WireTable
{
    private readonly Dictionary<Type, WireFormat> _byType = [];
    private readonly Dictionary<string, WireFormat> _byManifest = new(StringComparer.Ordinal);

    public WireTable(IEnumerable<WireFormat> rows)
    {
        foreach (var row in rows)
        {
            if (!_byType.TryAdd(row.Type, row))
            {
                throw new ArgumentException($"Two wire formats for {row.Type}.", nameof(rows));
            }
            foreach (var manifest in row.Manifests)
            {
                if (!_byManifest.TryAdd(manifest, row))
                {
                    throw new ArgumentException($"Manifest '{manifest}' is both {_byManifest[manifest].Type}'s and {row.Type}'s.", nameof(rows));
                }
            }
        }
    }

    public IReadOnlyCollection<Type> Types => _byType.Keys;

    public IReadOnlyCollection<string> Manifests => _byManifest.Keys;

    /// <summary>The row of <paramref name="message"/>'s type; a type without one is refused, named.</summary>
    public WireFormat Of(object message, string paramName) =>
        _byType.TryGetValue(message.GetType(), out var format)
            ? format
            : throw new ArgumentException($"No wire format for {message.GetType()}.", paramName);

    public WireFormat Of(string manifest) =>
        _byManifest.TryGetValue(manifest, out var format)
            ? format
            : throw new SerializationException($"Unknown manifest '{manifest}' for {nameof(SseWireSerializer)}.");
}
