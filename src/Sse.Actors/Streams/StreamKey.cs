using System.Security.Cryptography;
using System.Text;
using Sse.Actors.Events;

namespace Sse.Actors.Streams;

/// <summary>
/// One stream of events: a user's (every connection of the user), a topic's within its tenant, or the
/// broadcasts' (kept with history on only). It names the stream's entity, its history and its place in
/// a connection; every message to a stream entity carries one.
/// </summary>
public abstract record StreamKey
{
    private StreamKey()
    {
    }

    /// <summary>The kind of stream: its shard region is <c>sse-{Kind}</c> and its stored history <c>sse-{Kind}-{EntityId}</c>.</summary>
    public abstract string Kind { get; }

    /// <summary>The stream's entity within its region.</summary>
    public abstract string EntityId { get; }

    /// <summary>The stream's name on its numbered events (history on), so a connection knows which of its streams an event advances.</summary>
    public abstract string Name { get; }

    /// <summary>How a <c>reset</c> event names the stream to the browser.</summary>
    public abstract string Label { get; }

    /// <summary>
    /// Longest persistence id written: the length Akka.Persistence.Sql declares for its <c>persistence_id</c> column (the tables
    /// it creates on PostgreSQL and SQLite take more; a schema made by hand, or another database, may not).
    /// </summary>
    public const int MaxPersistenceIdLength = 255;

    /// <summary>
    /// The stream's history in the durable store: <c>sse-{Kind}-{EntityId}</c>, or, when that is longer than
    /// <see cref="MaxPersistenceIdLength"/>, <c>sse-{Kind}#</c> and the SHA-256 of the entity id in hex (a long user or tenant
    /// id); no short one has a <c>#</c> after its kind, so the two never meet.
    /// </summary>
    public string PersistenceId
    {
        get
        {
            var id = $"sse-{Kind}-{EntityId}";
            return id.Length <= MaxPersistenceIdLength ? id : $"sse-{Kind}#{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(EntityId)))}";
        }
    }

    /// <summary>The key of entity <paramref name="entityId"/> of the region of <paramref name="kind"/>.</summary>
    public static StreamKey Of(string kind, string entityId) => kind switch
    {
        User.KindName => new User(FromKeyPart(entityId)),
        Topic.KindName => new Topic(entityId),
        Broadcasts.KindName => Broadcasts.Instance,
        _ => throw new ArgumentException($"No stream kind '{kind}'.", nameof(kind)),
    };

    /// <summary>
    /// A user or tenant id within an entity id or a stream name: a UUID as its 32 hex digits (as when ids were UUIDs, so
    /// stored histories and nodes of that version name its streams the same), any other id behind a <c>~</c>, which
    /// no UUID's digits begin with: <c>auth0|5f2a</c> is <c>~auth0|5f2a</c>, and a 32-digit id is never a UUID's key.
    /// </summary>
    internal static string KeyPart(string id) => SseIds.TryParseUuid(id, out var uuid) ? uuid.ToString("N") : $"~{id}";

    private static string FromKeyPart(string part) => part.StartsWith('~') ? part[1..] : SseIds.FromGuid(Guid.ParseExact(part, "N"));

    /// <summary>A user's stream: every connection of the user.</summary>
    public sealed record User : StreamKey
    {
        public const string KindName = "user";

        /// <exception cref="ArgumentException">The user id breaks the rule of <see cref="SseIds"/>.</exception>
        public User(string userId)
        {
            UserId = SseIds.UserId(userId);
            EntityId = KeyPart(UserId);
        }

        /// <summary>The user id as the broker keeps it (<see cref="SseIds.UserId"/>).</summary>
        public string UserId { get; }

        public override string Kind => KindName;

        public override string EntityId { get; }

        public override string Name => $"u:{EntityId}";

        public override string Label => "user";
    }

    /// <summary>
    /// A topic within its tenant: tenant T's <c>news</c> is another stream than tenant U's and than the
    /// tenant-less <c>news</c>, so no event crosses tenants. <paramref name="Key"/> is the topic alone, or the
    /// tenant's key part and the topic joined by a comma (<see cref="For"/>). Topic names may not contain a comma,
    /// so the last comma ends the tenant, whatever the tenant id holds, and a key without one is tenant-less.
    /// </summary>
    public sealed record Topic(string Key) : StreamKey
    {
        public const string KindName = "topic";

        /// <exception cref="ArgumentException">The tenant id breaks the rule of <see cref="SseIds"/>.</exception>
        public static Topic For(string? tenantId, string topic) =>
            new(tenantId is null ? topic : $"{KeyPart(SseIds.TenantId(tenantId))},{topic}");

        /// <summary>The topic's name, without its tenant.</summary>
        public string TopicName => Key[(Key.LastIndexOf(',') + 1)..];

        public override string Kind => KindName;

        public override string EntityId => Key;

        public override string Name => $"t:{Key}";

        public override string Label => $"topic:{TopicName}";
    }

    /// <summary>
    /// The broadcasts, with history on: one entity numbers and keeps them, then publishes each once to every
    /// node's broker. A connection subscribes to it only for the replay and the position.
    /// </summary>
    public sealed record Broadcasts : StreamKey
    {
        public const string KindName = "broadcast";

        public static readonly Broadcasts Instance = new();

        private Broadcasts()
        {
        }

        public override string Kind => KindName;

        public override string EntityId => "all";

        public override string Name => "b";

        public override string Label => "broadcast";
    }
}
