using System.Diagnostics.Metrics;
using Akka.Actor;
using Akka.Configuration;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Sse.Actors.Broker;
using Sse.Actors.Clients;
using Sse.Actors.Diagnostics;
using Sse.Actors.Events;
using Sse.Actors.Delivery;
using Sse.Actors.Streams;
using Sse.Actors.Settings;

namespace Sse.Benchmarks;

/// <summary>
/// One publish reaching every subscriber through the real actors: a topic entity handing it to the node's
/// deliveries, which tell N local client actors, each queueing the event into its connection's buffer (drained here as
/// a response writer would). Reported per publish; allocations include the actors' messages.
/// </summary>
[MemoryDiagnoser]
public class FanOutBenchmarks
{
    private static readonly StreamKey Topic = new StreamKey.Topic("bench");
    private ActorSystem _system = null!;
    private IActorRef _topic = null!;
    private ClientConnection[] _connections = [];
    private SseEvent _event = null!;

    [Params(1, 100, 10_000)]
    public int Subscribers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _system = ActorSystem.Create("bench", ConfigurationFactory.ParseString($"akka.loglevel = WARNING\n{DeliveryMailbox.Hocon(100_000)}"));
        var options = new SseOptions { ClientBufferSize = 1024, HeartbeatInterval = TimeSpan.FromHours(1), ClientTimeout = TimeSpan.FromHours(2) };
        NodeDeliveries.Start(_system, options.DeliverySettings(metrics: null) with { ListensForBroadcasts = false });
        _topic = _system.ActorOf(StreamEntity.Props(Topic, new StreamEntitySettings(TimeSpan.FromHours(1))));
        var region = _system.ActorOf(Props.Create(() => new TopicRegionStandIn(_topic)));
        _connections = [.. Enumerable.Range(0, Subscribers).Select(_ => new ClientConnection(Guid.NewGuid().ToString(), null, ["bench"], options.ClientBufferSize))];
        foreach (var connection in _connections)
        {
            _system.ActorOf(ClientActor.Props(connection, new StreamRegions(region, region, region), options.ClientSettings(), BenchMetrics.Unobserved));
        }
        // Every client is live once its welcome is queued.
        foreach (var connection in _connections)
        {
            connection.Events.ReadAsync().AsTask().Wait();
        }
        _event = SseEncoder.Encode("bench", "one event for everyone");
    }

    [Benchmark]
    public async Task Publish_to_topic()
    {
        _topic.Tell(new StreamProtocol.PublishToStream(Topic, _event));
        foreach (var connection in _connections)
        {
            await connection.Events.ReadAsync();
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _system.Terminate().Wait();

    /// <summary>Stands in for the shard regions: topic subscriptions go to the entity, the user subscription is acknowledged at once.</summary>
    internal sealed class TopicRegionStandIn : ReceiveActor
    {
        public TopicRegionStandIn(IActorRef topic)
        {
            Receive<StreamProtocol.SubscribeToStream>(m => m.Stream is StreamKey.Topic, m => topic.Forward(m));
            Receive<StreamProtocol.SubscribeToStream>(m => m.Subscriber.Tell(new StreamProtocol.SubscribedToStream(m.Stream)));
            ReceiveAny(_ => { });
        }
    }
}

/// <summary>SendToUser's path in one node: validate and encode, the user entity, the client actor, the connection's buffer.</summary>
[MemoryDiagnoser]
public class SendToUserBenchmarks
{
    private ActorSystem _system = null!;
    private IActorRef _user = null!;
    private readonly string _userId = Guid.NewGuid().ToString();
    private PublishSettings _publish = null!;
    private ClientConnection _connection = null!;
    private readonly SseOptions _options = new() { ClientBufferSize = 1024, HeartbeatInterval = TimeSpan.FromHours(1), ClientTimeout = TimeSpan.FromHours(2) };

    [GlobalSetup]
    public void Setup()
    {
        _system = ActorSystem.Create("bench", ConfigurationFactory.ParseString($"akka.loglevel = WARNING\n{DeliveryMailbox.Hocon(100_000)}"));
        NodeDeliveries.Start(_system, _options.DeliverySettings(metrics: null) with { ListensForBroadcasts = false });
        _user = _system.ActorOf(StreamEntity.Props(new StreamKey.User(_userId), new StreamEntitySettings(TimeSpan.FromHours(1))));
        var region = _system.ActorOf(Props.Create(() => new UserRegionStandIn(_user)));
        _publish = _options.PublishSettings();
        _connection = new ClientConnection(_userId, null, [], _options.ClientBufferSize);
        _system.ActorOf(ClientActor.Props(_connection, new StreamRegions(region, region, region), _options.ClientSettings(), BenchMetrics.Unobserved));
        _connection.Events.ReadAsync().AsTask().Wait();
    }

    [Benchmark]
    public async Task Send_to_user()
    {
        _user.Tell(Publication.ToUser(_connection.UserId, "notification", """{"title":"New message"}""", _publish, BenchMetrics.Unobserved));
        await _connection.Events.ReadAsync();
    }

    [GlobalCleanup]
    public void Cleanup() => _system.Terminate().Wait();

    private sealed class UserRegionStandIn : ReceiveActor
    {
        public UserRegionStandIn(IActorRef user) => ReceiveAny(m => user.Forward(m));
    }
}

/// <summary>The broker's instruments with nothing listening, as in a host that exports no metrics.</summary>
internal static class BenchMetrics
{
    public static readonly SseMetrics Unobserved =
        new(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>());
}

/// <summary>
/// One hot topic with 10,000 local subscribers, events published back to back: delivered by one delivery actor's loop
/// (1 partition) or by the node's deliveries, each owning a share of the connections (one per core). Reported per event.
/// </summary>
[MemoryDiagnoser]
public class HotTopicScalingBenchmarks
{
    private const int EventsPerOperation = 20;
    private static readonly StreamKey Topic = new StreamKey.Topic("hot");
    private ActorSystem _system = null!;
    private IActorRef _topic = null!;
    private ClientConnection[] _connections = [];
    private ClientConnection[][] _readers = [];
    private SseEvent _event = null!;

    [Params(1, 2)]
    public int Partitions { get; set; }

    public int Subscribers { get; set; } = 10_000;

    [GlobalSetup]
    public void Setup()
    {
        _system = ActorSystem.Create("bench", ConfigurationFactory.ParseString($"akka.loglevel = WARNING\n{DeliveryMailbox.Hocon(100_000)}"));
        NodeDeliveries.Start(_system, new DeliverySettings(Partitions, Metrics: null, ListensForBroadcasts: false));
        _topic = _system.ActorOf(StreamEntity.Props(Topic, new StreamEntitySettings(TimeSpan.FromHours(1))));
        var options = new SseOptions { ClientBufferSize = 1024, HeartbeatInterval = TimeSpan.FromHours(1), ClientTimeout = TimeSpan.FromHours(2) };
        var region = _system.ActorOf(Props.Create(() => new FanOutBenchmarks.TopicRegionStandIn(_topic)));
        _connections = [.. Enumerable.Range(0, Subscribers).Select(_ => new ClientConnection(Guid.NewGuid().ToString(), null, [((StreamKey.Topic)Topic).Key], options.ClientBufferSize))];
        foreach (var connection in _connections)
        {
            _system.ActorOf(ClientActor.Props(connection, new StreamRegions(region, region, region), options.ClientSettings(), BenchMetrics.Unobserved));
        }
        foreach (var connection in _connections)
        {
            connection.Events.ReadAsync().AsTask().Wait();
        }
        _event = SseEncoder.Encode("bench", "one event for everyone");
        _readers = [.. _connections.Chunk(_connections.Length / Environment.ProcessorCount + 1)];
    }

    [Benchmark(OperationsPerInvoke = EventsPerOperation)]
    public Task Publish_to_hot_topic()
    {
        for (var i = 0; i < EventsPerOperation; i++)
        {
            _topic.Tell(new StreamProtocol.PublishToStream(Topic, _event));
        }
        // The response writers drain in parallel, as a server's do, one share per core.
        return Task.WhenAll(_readers.Select(share => Task.Run(() => DrainAsync(share))));
    }

    // Drained as the response writer does (wait, then take what is there), which allocates nothing per event.
    private static async Task DrainAsync(ClientConnection[] connections)
    {
        foreach (var connection in connections)
        {
            var events = connection.Events;
            for (var read = 0; read < EventsPerOperation;)
            {
                if (events.TryRead(out _))
                {
                    read++;
                }
                else
                {
                    await events.WaitToReadAsync();
                }
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _system.Terminate().Wait();
}
