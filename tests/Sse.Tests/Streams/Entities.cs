using Akka.Actor;
using Sse.Actors.Diagnostics;
using Sse.Actors.History;
using Sse.Actors.Mailboxes;
using Sse.Actors.Streams;

namespace Sse.Tests.Streams;

/// <summary>Stream entities as the tests start them: one entity class, keyed by the stream it serves.</summary>
internal static class Entities
{
    public static Props User(string userId, TimeSpan emptyPassivation, int historySize = 0, TimeSpan historyRetention = default,
        IActorRef? replicator = null, bool durableHistory = false, long maxRemoteReplayBytes = HistoryRing.MaxRemoteReplayBytes) =>
        Of(new StreamKey.User(userId), emptyPassivation, historySize, historyRetention, replicator, durableHistory, maxRemoteReplayBytes);

    public static Props Topic(string key, TimeSpan emptyPassivation, int historySize = 0, TimeSpan historyRetention = default) =>
        Of(new StreamKey.Topic(key), emptyPassivation, historySize, historyRetention);

    public static Props Broadcasts(TimeSpan emptyPassivation, int historySize, TimeSpan historyRetention = default) =>
        Of(StreamKey.Broadcasts.Instance, emptyPassivation, historySize, historyRetention);

    public static Props Of(StreamKey stream, TimeSpan emptyPassivation, int historySize = 0, TimeSpan historyRetention = default,
        IActorRef? replicator = null, bool durableHistory = false, long maxRemoteReplayBytes = HistoryRing.MaxRemoteReplayBytes,
        int maxBacklog = 10_000, SseMetrics? metrics = null) =>
        StreamEntity.Props(stream, new StreamEntitySettings(emptyPassivation, historySize, historyRetention, maxRemoteReplayBytes, durableHistory, replicator,
            maxBacklog, metrics)).WithMailbox(LeanMailbox.ConfigPath);
}
