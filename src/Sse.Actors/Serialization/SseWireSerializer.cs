using Akka.Actor;
using Akka.Hosting;
using Akka.Serialization;

namespace Sse.Actors.Serialization;

/// <summary>
/// Compact binary format for every <see cref="ISseWireMessage"/>: a short manifest names the type, fields follow in
/// declaration order. Each message's manifest, writer and reader are one row of <see cref="WireFormats"/>.
/// </summary>
/// <remarks>
/// User and tenant ids: a message whose ids are all UUIDs is written exactly as when ids were UUIDs (16 bytes each, the
/// same manifest and stream tag), so nodes of that version and this one understand each other during a rolling upgrade.
/// A message with any other id has a manifest (<c>…n</c>) or stream tag (<c>n</c>) of its own, which that version refuses
/// rather than misreads (<see cref="WireIds"/>).
/// </remarks>
public sealed class SseWireSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int SerializerId = 7401;

    // Built and checked as the serializer starts, so a table with a duplicate row fails the actor system's start.
    private readonly WireTable _table = new(WireFormats.Rows);

    public override int Identifier => SerializerId;

    public override string Manifest(object o) => _table.Of(o, nameof(o)).ManifestOf(o);

    public override byte[] ToBinary(object obj) => _table.Of(obj, nameof(obj)).ToBinary(obj, system);

    public override object FromBinary(byte[] bytes, string manifest) => _table.Of(manifest).FromBinary(bytes, manifest, system);
}

internal static class SseWireSerializerConfiguration
{
    /// <summary>Binds <see cref="SseWireSerializer"/> to every <see cref="ISseWireMessage"/>.</summary>
    public static AkkaConfigurationBuilder WithSseWireSerializer(this AkkaConfigurationBuilder builder) =>
        // A hand-off bucket's key is an Akka.DistributedData key too, whose serializer knows only Akka's own: its exact type wins.
        builder.WithCustomSerializer("sse-wire", [typeof(ISseWireMessage), typeof(History.HandoverBucketKey)], system => new SseWireSerializer(system));
}
