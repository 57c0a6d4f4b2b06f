using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Sse.Actors.Broker;
using Sse.Actors.Clustering;
using Sse.Actors.Settings;
using Sse.Actors.Streams;

namespace Sse.Actors.Diagnostics;

/// <summary>
/// Ready for traffic: the node is an Up cluster member, its broker runs, the stream shard coordinators have
/// answered, and the host is not stopping; a coordinator that stops answering later is Degraded, not unready.
/// Served at <c>/readyz</c> for load balancers.
/// </summary>
internal sealed class SseReadinessCheck(ActorSystem system, IActorRegistry registry, IHostApplicationLifetime lifetime, IOptions<SseOptions> options) : IHealthCheck
{
    private readonly TimeSpan _coordinatorTimeout = options.Value.Cluster.CoordinatorCheckTimeout;

    // Until every shard coordinator has answered once, sharding cannot place entities from here: not ready.
    // After, a coordinator that stops answering (its node unreachable) is every node's trouble at once: taking
    // them all out of rotation would cut every stream, so it is reported as Degraded.
    private volatile bool _coordinatorsAnswered;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("the node is stopping");
        }
        var status = Cluster.Get(system).SelfMember.Status;
        if (status != MemberStatus.Up)
        {
            return HealthCheckResult.Unhealthy($"the node is {status} in the cluster, not Up");
        }
        if (ShardCountCheck.Disagreement(Cluster.Get(system)) is { } disagreement)
        {
            return HealthCheckResult.Unhealthy(disagreement);
        }
        if (!registry.TryGet<BrokerActor>(out _) || !registry.TryGet<UserStreams>(out var users) || !registry.TryGet<TopicStreams>(out var topics)
            || !registry.TryGet<BroadcastStream>(out var broadcasts))
        {
            return HealthCheckResult.Unhealthy("the broker has not started");
        }
        foreach (var (name, region) in new[] { ("user", users), ("topic", topics), ("broadcast", broadcasts) })
        {
            if (!await CoordinatorAnswersAsync(region, cancellationToken))
            {
                var problem = $"the {name} shard coordinator does not answer";
                return _coordinatorsAnswered ? HealthCheckResult.Degraded(problem) : HealthCheckResult.Unhealthy(problem);
            }
        }
        _coordinatorsAnswered = true;
        return HealthCheckResult.Healthy($"Up as {Cluster.Get(system).SelfAddress}");
    }

    /// <summary>
    /// The region's coordinator lists the regions, this one among them: sharding can place entities. A region that has
    /// no coordinator (not registered yet, or it lost the coordinator's node) answers an empty list itself.
    /// </summary>
    private async Task<bool> CoordinatorAnswersAsync(IActorRef region, CancellationToken cancellationToken)
    {
        try
        {
            return (await region.Ask<CurrentRegions>(GetCurrentRegions.Instance, _coordinatorTimeout, cancellationToken)).Regions.Count > 0;
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
        {
            return false;
        }
    }
}
