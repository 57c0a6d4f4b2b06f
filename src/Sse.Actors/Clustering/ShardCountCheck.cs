using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.Event;
using Akka.Hosting;
using Microsoft.Extensions.Hosting;

namespace Sse.Actors.Clustering;

/// <summary>
/// Nodes whose <c>Sse:ShardCount</c> differ map one stream to two shards, so one stream could have two entities.
/// Each node carries its count as a cluster role (<c>sse-shards-N</c>, <see cref="RoleFor"/>). A node that joins a
/// cluster whose oldest member counts differently logs why, leaves the cluster and stops its host; the members that
/// were there log it once. Until a node agrees with the oldest member it is not ready (<see cref="Disagreement"/>), so
/// a load balancer sends it nothing meanwhile.
/// </summary>
internal sealed class ShardCountCheck : ReceiveActor
{
    private const string RolePrefix = "sse-shards-";

    private readonly Cluster _cluster = Cluster.Get(Context.System);
    private readonly IHostApplicationLifetime _lifetime;

    public ShardCountCheck(IHostApplicationLifetime lifetime)
    {
        _lifetime = lifetime;
        Receive<ClusterEvent.MemberUp>(up => Check(up.Member));
        Receive<ClusterEvent.IMemberEvent>(_ => { });
    }

    public static Props Props(IHostApplicationLifetime lifetime) => Akka.Actor.Props.Create(() => new ShardCountCheck(lifetime));

    /// <summary>The cluster role that carries a node's shard count.</summary>
    public static string RoleFor(int shardCount) => $"{RolePrefix}{shardCount}";

    /// <summary>Why this node must not serve: its shard count differs from the oldest member's; null when they agree (or it is the oldest).</summary>
    public static string? Disagreement(Cluster cluster)
    {
        var self = cluster.SelfMember;
        var oldest = cluster.State.Members.Where(m => m.Status == MemberStatus.Up && !m.Equals(self)).Aggregate((Member?)null,
            (older, m) => older is null || m.IsOlderThan(older) ? m : older);
        if (oldest is null || self.IsOlderThan(oldest) || CountOf(oldest) == CountOf(self))
        {
            return null;
        }
        return $"Sse:ShardCount is {CountOf(self)} on this node and {CountOf(oldest)} on the cluster's oldest node {oldest.Address}; set the same on every node";
    }

    protected override void PreStart() => _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.MemberUp));

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private void Check(Member member)
    {
        if (member.Equals(_cluster.SelfMember))
        {
            if (Disagreement(_cluster) is { } problem)
            {
                Context.GetLogger().Error("This node leaves the cluster and stops: {Problem}", problem);
                _cluster.Leave(_cluster.SelfAddress);
                _lifetime.StopApplication();
            }
            return;
        }
        if (CountOf(member) != CountOf(_cluster.SelfMember) && _cluster.SelfMember.IsOlderThan(member))
        {
            Context.GetLogger().Warning("Node {Node} joined with Sse:ShardCount {Theirs}, not {Ours}; it leaves the cluster", member.Address, CountOf(member),
                CountOf(_cluster.SelfMember));
        }
    }

    // A member without the role (another application's node) is not a stream node: it is left alone.
    private static int? CountOf(Member member) =>
        member.Roles.Where(role => role.StartsWith(RolePrefix, StringComparison.Ordinal)).Select(role => (int?)int.Parse(role[RolePrefix.Length..],
            System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
}

internal static class ShardCountCheckConfiguration
{
    /// <summary>
    /// Adds the node's shard count as a cluster role to those configured so far (the app's own stay), and the
    /// <see cref="ShardCountCheck"/> that compares it with the oldest member's once the node is up.
    /// </summary>
    public static AkkaConfigurationBuilder WithShardCountCheck(this AkkaConfigurationBuilder builder, int shardCount)
    {
        var role = ShardCountCheck.RoleFor(shardCount);
        var roles = builder.Configuration.HasValue ? builder.Configuration.Value.GetStringList("akka.cluster.roles", []) : [];
        if (!roles.Contains(role))
        {
            builder.AddHocon($"akka.cluster.roles = [{string.Join(", ", roles.Append(role).Select(r => r.ToHocon()))}]", HoconAddMode.Prepend);
        }
        return builder.WithActors((system, _, resolver) =>
        {
            if (!Cluster.Get(system).SelfRoles.Contains(role))
            {
                throw new InvalidOperationException(
                    $"This node lacks the cluster role {role} that WithSseBroker adds: akka.cluster.roles was set again after it. Call WithSseBroker after WithClustering.");
            }
            system.ActorOf(ShardCountCheck.Props(resolver.GetService<IHostApplicationLifetime>()), "sse-shard-count-check");
        });
    }
}
