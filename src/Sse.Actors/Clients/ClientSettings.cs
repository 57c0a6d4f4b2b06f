namespace Sse.Actors.Clients;

/// <summary>What a client actor needs to know of the broker's settings.</summary>
/// <param name="BufferSize">Events queued per connection before it counts as a slow consumer.</param>
/// <param name="ReconnectDelay">The range each connection's <c>retry:</c> is drawn from.</param>
/// <param name="History">History is on: the connection resumes its streams and its own events carry no id.</param>
public sealed record ClientSettings(
    int BufferSize,
    TimeSpan HeartbeatInterval,
    TimeSpan ClientTimeout,
    TimeSpan SubscribeRetryInterval,
    ReconnectDelayRange ReconnectDelay,
    TimeSpan ShutdownGrace,
    bool History);
