namespace Sse.Actors.Diagnostics;

// The values each tag of the broker's instruments takes: every one is listed (All), so a scrape shows a series at 0
// before the first event of its kind.
public sealed partial class SseMetrics
{
    /// <summary>The <c>reason</c> tag of <c>sse_client_refused</c>.</summary>
    internal static class StreamRefusals
    {
        public const string Unauthorized = "unauthorized";
        public const string InvalidTopics = "invalid_topics";
        public const string Forbidden = "forbidden";
        public const string RateLimited = "rate_limited";
        public const string NodeFull = "node_full";
        public const string UserLimit = "user_limit";
        public const string ShuttingDown = "shutting_down";
        public const string NotAdmittedInTime = "not_admitted_in_time";

        public static readonly string[] All = [Unauthorized, InvalidTopics, Forbidden, RateLimited, NodeFull, UserLimit, ShuttingDown, NotAdmittedInTime];
    }

    /// <summary>The <c>reason</c> tag of <c>sse_send_errors</c>.</summary>
    internal static class SendErrors
    {
        public const string InvalidJson = "invalid_json";
        public const string Validation = "validation";
        public const string TopicsDisabled = "topics_disabled";
        public const string TooLarge = "too_large";
        public const string Unauthorized = "unauthorized";
        public const string Forbidden = "forbidden";
        public const string NotRecorded = "not_recorded";
        public const string OutcomeUnknown = "outcome_unknown";

        public static readonly string[] All = [InvalidJson, Validation, TopicsDisabled, TooLarge, Unauthorized, Forbidden, NotRecorded, OutcomeUnknown];
    }

    /// <summary>The <c>at</c> tag of <c>sse_events_shed</c>.</summary>
    internal static class ShedAt
    {
        public const string Stream = "stream";
        public const string Broker = "broker";
        /// <summary>A publish that reached its entity after its publisher stopped waiting (Sse:PublishTimeout).</summary>
        public const string Expired = "expired";
        /// <summary>A publish that reached its entity while the node did not hear a majority of the cluster.</summary>
        public const string Fenced = "fenced";

        public static readonly string[] All = [Stream, Broker, Expired, Fenced];
    }

    /// <summary>The <c>reason</c> tag of <c>sse_resubscribes</c>.</summary>
    internal static class ResubscribeReasons
    {
        /// <summary>The stream's entity stopped or moved (rebalance, hand-off, a node that left).</summary>
        public const string Moved = "moved";

        /// <summary>An event skipped a position of the stream; subscribing again repairs the gap from history.</summary>
        public const string Gap = "gap";

        public static readonly string[] All = [Moved, Gap];
    }

    /// <summary>The <c>target</c> tag of <c>sse_messages_published</c>.</summary>
    internal static class Targets
    {
        public const string User = "user";
        public const string Topic = "topic";
        public const string Broadcast = "broadcast";

        public static readonly string[] All = [User, Topic, Broadcast];
    }
}
