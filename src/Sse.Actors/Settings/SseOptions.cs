namespace Sse.Actors.Settings;

/// <summary>
/// The broker's settings, bound from the <c>Sse</c> configuration section
/// (for example <c>Sse__MaxConnections=1000</c> as an environment variable) and validated at start.
/// </summary>
public sealed class SseOptions
{
    public const string SectionName = "Sse";

    /// <summary>The name of the actor system <c>AddSseBroker</c> starts, and so of every node's address (<c>akka.tcp://sse@host:port</c>).</summary>
    public const string DefaultActorSystemName = "sse";

    /// <summary>
    /// The name of the actor system <c>AddSseBroker</c> starts: ASCII letters, digits and <c>-</c>, not starting with <c>-</c>
    /// (Akka.NET's rule). The same on every node of a cluster; seed node addresses name it. An app that hosts the broker in its
    /// own actor system (<c>WithSseBroker</c>) names that system itself.
    /// </summary>
    public string ActorSystemName { get; set; } = DefaultActorSystemName;

    /// <summary>Events queued per connection before it counts as a slow consumer and is disconnected.</summary>
    public int ClientBufferSize { get; set; } = 256;

    /// <summary>Time between <c>heartbeat</c> events on every connection.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A connection whose writes make no progress for this long is dead and is closed.</summary>
    public TimeSpan ClientTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Topic subscription on or off.</summary>
    public bool EnableTopics { get; set; } = true;

    /// <summary>Connections this node accepts; 0 means unlimited. Over it: 503 with Retry-After.</summary>
    public int MaxConnections { get; set; }

    /// <summary>
    /// Connections one user may hold on every node together, counted by the user's entity; 0 means unlimited. Over it: 429 with
    /// Retry-After. The default keeps one token from opening connections until a node runs out of memory.
    /// </summary>
    public int MaxConnectionsPerUser { get; set; } = 100;

    /// <summary>Most events <see cref="HistorySize"/> may keep per stream: history is in memory, one ring per user and topic entity.</summary>
    public const int MaxHistorySize = 10_000;

    /// <summary>
    /// Events kept per user and topic stream, and of the broadcasts, for replay after a reconnect (<c>Last-Event-ID</c>); 0 turns
    /// replay off. Up to <see cref="MaxHistorySize"/>. See docs/history.md.
    /// </summary>
    public int HistorySize { get; set; }

    /// <summary>Where the history is kept: in memory (default), or durably in SQLite (one node) or PostgreSQL (a cluster).</summary>
    public SseHistoryStoreOptions HistoryStore { get; set; } = new();

    /// <summary>The shortest <c>retry:</c> sent to browsers: how long they wait before reconnecting a dropped stream.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// The longest <c>retry:</c>: each connection gets its own, drawn evenly between <see cref="ReconnectDelay"/> and this, so
    /// the browsers of a node that stops do not all come back in the same second. Unset: twice <see cref="ReconnectDelay"/>;
    /// equal to it: every connection gets <see cref="ReconnectDelay"/>.
    /// </summary>
    public TimeSpan? ReconnectDelayMax { get; set; }

    /// <summary>
    /// How long a publish waits for the stream's entity to record the event (numbered and kept, written first with the
    /// durable store). Past it the entity drops the publish unrecorded, and the publisher is told the outcome is unknown (it may
    /// have been recorded just before, its answer lost): 504 from <c>/send</c>, <see cref="Broker.PublishOutcomeUnknownException"/>
    /// from <c>ISseBroker</c>, <c>PublishOutcomeUnknown</c> to an actor. A retry with the same message id is safe.
    /// </summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long <c>GET /stream</c> waits for the node's broker to admit the connection (its client actor made); past it, 503.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// With <see cref="MaxConnectionsPerUser"/>: how long <c>GET /stream</c> waits for the user's entity to count the connection.
    /// Past it the stream is admitted: a browser gives up for good on a refusal, so an entity that is moving must not refuse.
    /// </summary>
    public TimeSpan AdmissionTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>The <c>Retry-After</c> given with a refused connection (503/429).</summary>
    public TimeSpan RefusedRetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often an unacknowledged subscription to a user or topic entity is sent again.</summary>
    public TimeSpan SubscribeRetryInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a user or topic entity without subscribers lives before it is passivated.</summary>
    public TimeSpan EmptyEntityPassivation { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// With <see cref="HistorySize"/> &gt; 0: how long a user or topic entity whose history holds events
    /// lives after its last subscriber left (instead of <see cref="EmptyEntityPassivation"/>), so a
    /// browser that comes back within it resumes. The history goes with the entity.
    /// </summary>
    public TimeSpan HistoryRetention { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>On shutdown, how long a stream may take to drain its buffer and the <c>close</c> event before it is cut.</summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Origins allowed to open streams and send from a browser on another origin
    /// (<c>Sse__AllowedOrigins__0=https://app.example.com</c>). Empty: any origin in Development, none elsewhere.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>Stream authentication: query string (development), JWT, or the ASP.NET Core user.</summary>
    public SseAuthOptions Auth { get; set; } = new();

    /// <summary>Who may publish and read stats: API keys or a JWT claim.</summary>
    public SsePublishOptions Publish { get; set; } = new();

    /// <summary>Input limits: topics per connection, name lengths, data and body sizes, connection attempts per IP.</summary>
    public SseLimitsOptions Limits { get; set; } = new();

    /// <summary>Where the <c>/metrics</c> scrape endpoint answers.</summary>
    public SseMetricsOptions Metrics { get; set; } = new();

    /// <summary>Cluster membership: addresses, seed nodes, failure-detection timings.</summary>
    public SseClusterOptions Cluster { get; set; } = new();

    /// <summary>Number of shards for the user and topic entities; keep it the same on every node of a cluster.</summary>
    public int ShardCount { get; set; } = 100;

    /// <summary>
    /// Delivery actors per node, each owning a share of the node's connections: a stream with connections in many shares
    /// (a hot topic, the broadcasts) is delivered by all of them at once. 0: one per core.
    /// </summary>
    public int FanOutPartitions { get; set; }
}
