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

    /// <summary>The key of entity <paramref name="entityId"/> of the region of <paramref name="kind"/>.</summary>
    public static StreamKey Of(string kind, string entityId) => kind switch
    {
        User.KindName => new User(Guid.ParseExact(entityId, "N")),
        Topic.KindName => new Topic(entityId),
        Broadcasts.KindName => Broadcasts.Instance,
        _ => throw new ArgumentException($"No stream kind '{kind}'.", nameof(kind)),
    };

    public sealed record User(Guid UserId) : StreamKey
    {
        public const string KindName = "user";

        public override string Kind => KindName;

        public override string EntityId => UserId.ToString("N");

        public override string Name => $"u:{UserId:N}";

        public override string Label => "user";
    }

    /// <summary>
    /// A topic within its tenant: tenant T's <c>news</c> is another stream than tenant U's and than the
    /// tenant-less <c>news</c>, so no event crosses tenants. <paramref name="Key"/> joins tenant and topic
    /// with a comma, which topic names may not contain (<see cref="For"/>).
    /// </summary>
    public sealed record Topic(string Key) : StreamKey
    {
        public const string KindName = "topic";

        public static Topic For(Guid? tenantId, string topic) => new(tenantId is { } tenant ? $"{tenant:N},{topic}" : topic);

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
