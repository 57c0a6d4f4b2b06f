using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Akka.TestKit;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Sse.Actors.Broker;
using Sse.Actors.Diagnostics;
using Sse.Actors.Settings;
using Sse.Actors.Streams;

namespace Sse.Tests.Diagnostics;

/// <summary>Readiness from the node's own facts; the shard coordinators' trouble is Degraded once they have answered.</summary>
// Membership events stay as they are: their serialization round-trip loses what the check reads (see LocalEventSerializer).
[Trait("Category", TestCategories.Unit)]
public sealed class ReadinessCheckTests() : Akka.TestKit.Xunit2.TestKit(
    Akka.Configuration.ConfigurationFactory.ParseString(Cluster.LocalEventSerializer.Hocon).WithFallback(SseTestConfig.SerializeMessagesOnClusterNode))
{
    [Fact]
    public async Task A_node_whose_coordinators_never_answered_is_not_ready_and_one_whose_coordinators_stop_answering_is_degraded()
    {
        await UpAsync();
        var answering = true;
        var regions = CreateTestProbe();
        regions.SetAutoPilot(new DelegateAutoPilot((sender, message) =>
        {
            if (message is GetCurrentRegions)
            {
                // A region without a coordinator answers itself, with no regions; a coordinator lists them.
                sender.Tell(new CurrentRegions(answering ? ImmutableHashSet.Create(Akka.Cluster.Cluster.Get(Sys).SelfAddress) : ImmutableHashSet<Address>.Empty));
            }
            return AutoPilot.KeepRunning;
        }));
        var registry = new ActorRegistry();
        registry.Register<BrokerActor>(CreateTestProbe());
        registry.Register<UserStreams>(regions);
        registry.Register<TopicStreams>(regions);
        registry.Register<BroadcastStream>(regions);

        answering = false;
        Assert.Equal(HealthStatus.Unhealthy, (await new SseReadinessCheck(Sys, registry, new Running(), Options.Create(new SseOptions())).CheckHealthAsync(new HealthCheckContext())).Status);

        var check = new SseReadinessCheck(Sys, registry, new Running(), Options.Create(new SseOptions()));
        answering = true;
        var healthy = await check.CheckHealthAsync(new HealthCheckContext());
        Assert.True(healthy.Status == HealthStatus.Healthy, healthy.Description);
        answering = false;
        var degraded = await check.CheckHealthAsync(new HealthCheckContext());
        Assert.Equal((HealthStatus.Degraded, "the user shard coordinator does not answer"), (degraded.Status, degraded.Description));
    }

    [Fact]
    public async Task A_coordinator_that_does_not_answer_is_given_up_on_after_the_CoordinatorCheckTimeout()
    {
        await UpAsync();
        var silent = CreateTestProbe();
        var registry = new ActorRegistry();
        registry.Register<BrokerActor>(CreateTestProbe());
        registry.Register<UserStreams>(silent);
        registry.Register<TopicStreams>(silent);
        registry.Register<BroadcastStream>(silent);
        var check = new SseReadinessCheck(Sys, registry, new Running(),
            Options.Create(new SseOptions { Cluster = { CoordinatorCheckTimeout = TimeSpan.FromMilliseconds(100) } }));

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal((HealthStatus.Unhealthy, "the user shard coordinator does not answer"), (result.Status, result.Description));
        // The default would wait 2 s.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1.5), $"took {watch.Elapsed}");
    }

    private async Task UpAsync()
    {
        var cluster = Akka.Cluster.Cluster.Get(Sys);
        var up = new TaskCompletionSource();
        cluster.RegisterOnMemberUp(() => up.TrySetResult());
        cluster.Join(cluster.SelfAddress);
        await up.Task.WaitAsync(TimeSpan.FromSeconds(15));
        // The check reads the cluster's read view, which its own subscriber updates after the member-up callbacks ran.
        await AwaitConditionAsync(() => Task.FromResult(cluster.SelfMember.Status == Akka.Cluster.MemberStatus.Up), TimeSpan.FromSeconds(15));
    }

    private sealed class Running : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
        }
    }
}
