using Akka.Actor;

namespace Sse.Actors.Serialization;

/// <summary>
/// One row of the wire table (<see cref="WireFormats"/>): a message type, its manifest, its writer and its reader. A message
/// with user or tenant ids has a second manifest (<c>…n</c>), chosen from the value, for ids that are not all UUIDs. A
/// message whose format changed still reads its former manifest (<see cref="Replacing"/>), which it no longer writes.
/// </summary>
internal sealed class WireFormat
{
    private readonly Func<object, bool> _idsAreUuids;
    private readonly Action<WireWriter, object> _write;
    private readonly Func<WireReader, object> _read;

    private WireFormat(Type type, string manifest, string? namedIdsManifest, Func<object, bool> idsAreUuids,
        Action<WireWriter, object> write, Func<WireReader, object> read, string? formerManifest = null)
    {
        (Type, Manifest, NamedIdsManifest, FormerManifest) = (type, manifest, namedIdsManifest, formerManifest);
        (_idsAreUuids, _write, _read) = (idsAreUuids, write, read);
    }

    public Type Type { get; }

    /// <summary>The manifest; of a message with ids, the one of the format ids had when they were UUIDs.</summary>
    public string Manifest { get; }

    /// <summary>Of a message with ids, the manifest of its format when any id is not a UUID; else null.</summary>
    public string? NamedIdsManifest { get; }

    /// <summary>The manifest of the version before, read (its reader handles the former form) but never written; else null.</summary>
    public string? FormerManifest { get; }

    public IEnumerable<string> Manifests => new[] { Manifest, NamedIdsManifest, FormerManifest }.OfType<string>();

    /// <summary>A message whose ids change nothing on the wire.</summary>
    public static WireFormat Row<T>(string manifest, Action<WireWriter, T> write, Func<WireReader, T> read)
        where T : class, ISseWireMessage =>
        new(typeof(T), manifest, null, _ => true, (w, m) => write(w, (T)m), read);

    /// <summary>
    /// A message with user or tenant ids: written under <paramref name="manifest"/> with 16 bytes an id while
    /// <paramref name="idsAreUuids"/>, else under <paramref name="namedIdsManifest"/> with the ids' strings.
    /// </summary>
    public static WireFormat Row<T>(string manifest, string namedIdsManifest, Func<T, bool> idsAreUuids,
        Action<WireWriter, T> write, Func<WireReader, T> read)
        where T : class, ISseWireMessage =>
        new(typeof(T), manifest, namedIdsManifest, m => idsAreUuids((T)m), (w, m) => write(w, (T)m), read);

    /// <summary>
    /// This row, also reading <paramref name="formerManifest"/>: a node of the version before may still send it during a
    /// rolling upgrade, and refuses the new manifest rather than misreading the new form.
    /// </summary>
    public WireFormat Replacing(string formerManifest) =>
        new(Type, Manifest, NamedIdsManifest, _idsAreUuids, _write, _read, formerManifest);

    public string ManifestOf(object message) => NamedIdsManifest is null || _idsAreUuids(message) ? Manifest : NamedIdsManifest;

    public byte[] ToBinary(object message, ExtendedActorSystem system)
    {
        using var stream = new MemoryStream();
        using (var w = new WireWriter(stream, system, _idsAreUuids(message)))
        {
            _write(w, message);
        }
        return stream.ToArray();
    }

    public object FromBinary(byte[] bytes, string manifest, ExtendedActorSystem system)
    {
        using var r = new WireReader(new MemoryStream(bytes, writable: false), system, uuidIds: manifest != NamedIdsManifest);
        return _read(r);
    }
}
