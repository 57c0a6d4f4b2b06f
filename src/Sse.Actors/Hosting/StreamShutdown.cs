using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Sse.Actors.Broker;
using Sse.Actors.Settings;

namespace Sse.Actors.Hosting;

/// <summary>
/// When the host starts stopping (before the web server drains its requests), tells the broker to
/// send <c>close</c> to every stream and end it, so browsers reconnect elsewhere and the process exits promptly.
/// </summary>
internal sealed class StreamShutdown(
    IHostApplicationLifetime lifetime,
    IActorRegistry registry,
    IOptions<SseOptions> options) : IHostedService
{
    private CancellationTokenRegistration _registration;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _registration = lifetime.ApplicationStopping.Register(() =>
        {
            if (registry.TryGet<BrokerActor>(out var broker))
            {
                broker.Tell(new BrokerConnections.CloseAll(options.Value.ShutdownGrace));
            }
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => _registration.DisposeAsync().AsTask();
}
