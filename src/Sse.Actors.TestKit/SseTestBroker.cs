using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Sse.Actors.Api;
using Sse.Actors.Broker;
using Sse.Actors.Events;
using Sse.Actors.Hosting;
using Sse.Actors.Streams;
using Sse.Actors.Settings;

namespace Sse.Actors.TestKit;

/// <summary>
/// The broker in-process for your own tests, without a web server: a generic host with
/// <see cref="SseServiceCollectionExtensions.AddSseBroker"/> (one node in a cluster with itself,
/// Development environment, <c>serialize-messages</c> on) and your services. Let an actor listen
/// as a user's connection, a topic's or a broadcast receiver, call your service, and expect the
/// event it pushed:
/// <code>
/// await using var sse = await SseTestBroker.StartAsync(services => services.AddSingleton&lt;MyService&gt;());
/// var probe = CreateTestProbe();
/// await sse.ListenAsUserAsync(probe, userId);
/// await sse.Services.GetRequiredService&lt;MyService&gt;().DoItAsync(userId);
/// probe.ExpectMsg&lt;ReceivedSseEvent&gt;(e =&gt; e.EventType == "notification");
/// </code>
/// </summary>
/// <remarks>
/// The broker runs its own actor system; a TestKit's probe belongs to the TestKit's system. A local
/// bridge actor in the broker's system subscribes on the probe's behalf and tells the probe each
/// event: telling a local actor of another actor system in the same process is a plain mailbox
/// enqueue, so no remoting between the two systems is needed, and the probe's reference is never
/// serialized (it could not be resolved in the broker's system). The bridge keeps the subscription
/// acknowledgements, so the probe receives nothing but <see cref="ReceivedSseEvent"/>s.
/// </remarks>
public sealed class SseTestBroker : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly TimeSpan _timeout;
    private int _disposed;

    private SseTestBroker(IHost host, TimeSpan timeout)
    {
        _host = host;
        _timeout = timeout;
    }

    /// <summary>The host's services: the broker's and yours.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>The broker service your code injects.</summary>
    public ISseBroker Broker => Services.GetRequiredService<ISseBroker>();

    /// <summary>The broker's actor system (not your TestKit's).</summary>
    public ActorSystem ActorSystem => Services.GetRequiredService<ActorSystem>();

    /// <summary>Starts the broker and returns once its node is an Up member of its one-node cluster.</summary>
    /// <param name="configureServices">Registers your own services (after the broker's, so yours win).</param>
    /// <param name="configure">Settings, message serialization, your own actors, timeouts.</param>
    public static async Task<SseTestBroker> StartAsync(
        Action<IServiceCollection>? configureServices = null,
        Action<SseTestBrokerOptions>? configure = null)
    {
        var options = new SseTestBrokerOptions();
        configure?.Invoke(options);
        // No defaults: the test's own appsettings, environment variables and console logging stay out.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            EnvironmentName = Environments.Development,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection(options.Settings);
        builder.Services.AddSseBroker(builder.Configuration, (akka, provider) =>
        {
            // Akka.NET falls back to standard output while it shuts down; keep a test's output to warnings.
            akka.AddHocon("akka.stdout-loglevel = WARNING", HoconAddMode.Prepend);
            if (options.SerializeMessages)
            {
                akka.AddHocon("akka.actor.serialize-messages = on", HoconAddMode.Prepend);
            }
            options.ConfigureAkka?.Invoke(akka, provider);
        });
        configureServices?.Invoke(builder.Services);

        var broker = new SseTestBroker(builder.Build(), options.Timeout);
        try
        {
            await broker._host.StartAsync();
            await broker.MemberUpAsync();
        }
        catch
        {
            await broker.DisposeAsync();
            throw;
        }
        return broker;
    }

    /// <summary>
    /// Makes <paramref name="probe"/> a connection of the user: it receives every event sent to the
    /// user from the moment this completes (the subscription is acknowledged by then).
    /// </summary>
    /// <exception cref="ArgumentException">The user id breaks the id rule (<see cref="SseIds"/>).</exception>
    public Task ListenAsUserAsync(IActorRef probe, string userId)
    {
        var stream = new StreamKey.User(userId);
        return ListenAsync(probe, Registry.Get<UserStreams>(), bridge => new StreamProtocol.SubscribeToStream(stream, bridge));
    }

    /// <summary>
    /// Makes <paramref name="probe"/> a connection subscribed to <paramref name="topic"/>, of tenant
    /// <paramref name="tenantId"/> or tenant-less: it receives that topic's events from the moment this completes.
    /// </summary>
    /// <exception cref="TopicsDisabledException">Topics are disabled.</exception>
    /// <exception cref="ArgumentException">The topic, or the tenant id, is invalid.</exception>
    public Task ListenToTopicAsync(IActorRef probe, string topic, string? tenantId = null)
    {
        var options = Services.GetRequiredService<IOptions<SseOptions>>().Value;
        if (!options.EnableTopics)
        {
            throw new TopicsDisabledException();
        }
        SseNames.ValidateTopic(topic, maxLength: options.Limits.MaxTopicLength);
        var stream = StreamKey.Topic.For(tenantId, topic);
        return ListenAsync(probe, Registry.Get<TopicStreams>(), bridge => new StreamProtocol.SubscribeToStream(stream, bridge));
    }

    /// <summary>Makes <paramref name="probe"/> receive every broadcast from the moment this completes.</summary>
    public Task ListenToBroadcastsAsync(IActorRef probe) =>
        ListenAsync(probe, DistributedPubSub.Get(ActorSystem).Mediator, bridge => new Subscribe(Delivery.NodeDeliveries.BroadcastTopic, bridge));

    private IActorRegistry Registry => Services.GetRequiredService<IActorRegistry>();

    private async Task ListenAsync(IActorRef probe, IActorRef entities, Func<IActorRef, object> subscribe)
    {
        ArgumentNullException.ThrowIfNull(probe);
        var subscribed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bridge = ActorSystem.ActorOf(ProbeBridge.Props(probe, subscribed));
        // The bridge is the sender too: the pub-sub mediator acknowledges to the sender, entities to the subscriber.
        entities.Tell(subscribe(bridge), bridge);
        try
        {
            await subscribed.Task.WaitAsync(_timeout);
        }
        catch (TimeoutException)
        {
            ActorSystem.Stop(bridge);
            throw new TimeoutException($"The broker did not acknowledge the subscription within {_timeout}.");
        }
    }

    private async Task MemberUpAsync()
    {
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Akka.Cluster.Cluster.Get(ActorSystem).RegisterOnMemberUp(() => up.TrySetResult());
        try
        {
            await up.Task.WaitAsync(_timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The broker's node was not Up within {_timeout}.");
        }
    }

    /// <summary>Stops the host: the actor system shuts down and every listening bridge with it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        try
        {
            await _host.StopAsync();
        }
        finally
        {
            if (_host is IAsyncDisposable host)
            {
                await host.DisposeAsync();
            }
            else
            {
                _host.Dispose();
            }
        }
    }
}
