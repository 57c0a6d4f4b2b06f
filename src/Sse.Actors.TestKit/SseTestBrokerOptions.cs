using Akka.Hosting;

namespace Sse.Actors.TestKit;

/// <summary>How <see cref="SseTestBroker.StartAsync"/> sets up the broker.</summary>
public sealed class SseTestBrokerOptions
{
    /// <summary>Configuration values, keyed as in appsettings: <c>Settings["Sse:EnableTopics"] = "false"</c>.</summary>
    public IDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

    /// <summary>
    /// Every message is written and read back as if it crossed nodes (<c>akka.actor.serialize-messages</c>),
    /// so a test proves the wire format of what it sends. On by default.
    /// </summary>
    public bool SerializeMessages { get; set; } = true;

    /// <summary>Adds your own actors or HOCON to the broker's actor system.</summary>
    public Action<AkkaConfigurationBuilder, IServiceProvider>? ConfigureAkka { get; set; }

    /// <summary>How long start-up waits for the node to be Up, and a <c>Listen…Async</c> for its acknowledgement.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);
}
