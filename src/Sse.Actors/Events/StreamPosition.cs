namespace Sse.Actors.Events;

/// <summary>
/// A place in one stream (a user's, a topic's or the broadcasts'), with history on: the stream's epoch, drawn at
/// random when its entity started (a restarted entity has lost its history and a new epoch), and
/// the sequence number of an event in it (1, 2, 3…; 0 before the first).
/// </summary>
public readonly record struct StreamPosition(uint Epoch, long Seq);

/// <summary>The names of streams as events carry them, so a connection knows which of its streams an event advances.</summary>
public static class StreamIds
{
    public static string User(Guid userId) => $"u:{userId:N}";

    public static string Topic(string topicKey) => $"t:{topicKey}";

    /// <summary>The broadcasts' stream, kept by the topic entity of <see cref="Topics.TopicKeys.Broadcast"/>.</summary>
    public const string Broadcast = "t:" + Topics.TopicKeys.Broadcast;
}
