using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Sse.Actors.Broker;
using Sse.Actors.Streams;

namespace Sse.Actors.Diagnostics;

/// <summary>
/// Ready for traffic: the node is an Up cluster member, its broker runs, the user and topic shard
/// coordinators answer, and the host is not stopping. Served at <c>/readyz</c> for load balancers.
/// </summary>
internal sealed class SseReadinessCheck(ActorSystem system, IActorRegistry registry, IHostApplicationLifetime lifetime) : IHealthCheck
{
    private static readonly TimeSpan CoordinatorTimeout = TimeSpan.FromSeconds(2);

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
        if (!registry.TryGet<BrokerActor>(out _) || !registry.TryGet<UserStreams>(out var users) || !registry.TryGet<TopicStreams>(out var topics))
        {
            return HealthCheckResult.Unhealthy("the broker has not started");
        }
        foreach (var (name, region) in new[] { ("user", users), ("topic", topics) })
        {
            try
            {
                // Answered by the shard coordinator: sharding can place entities.
                await region.Ask<CurrentRegions>(GetCurrentRegions.Instance, CoordinatorTimeout, cancellationToken);
            }
            catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
            {
                return HealthCheckResult.Unhealthy($"the {name} shard coordinator does not answer");
            }
        }
        return HealthCheckResult.Healthy($"Up as {Cluster.Get(system).SelfAddress}");
    }
}
