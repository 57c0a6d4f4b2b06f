using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using static Sse.Actors.Tickets.TicketProtocol;

namespace Sse.Actors.Tickets;

/// <summary>
/// The sharded entity of one ticket id (region <c>sse-ticket</c>): sharding runs one per id in the whole
/// cluster, so a ticket is redeemed once whichever nodes it is presented on. It forgets the id
/// <see cref="KeepAfterExpiry"/> after the ticket expired, when every node refuses the ticket as expired anyway.
/// </summary>
internal sealed class TicketEntity : ReceiveActor, IWithTimers
{
    /// <summary>Covers clocks of the nodes that differ by up to this much.</summary>
    public static readonly TimeSpan KeepAfterExpiry = TimeSpan.FromMinutes(1);

    public const string RegionName = "sse-ticket";

    private bool _redeemed;

    public TicketEntity()
    {
        Receive<RedeemTicket>(redeem =>
        {
            Sender.Tell(new TicketRedeemed(redeem.TicketId, FirstUse: !_redeemed));
            if (!_redeemed)
            {
                _redeemed = true;
                var keep = redeem.ExpiresAt - DateTimeOffset.UtcNow + KeepAfterExpiry;
                Timers.StartSingleTimer(Forget.Instance, Forget.Instance, keep > TimeSpan.Zero ? keep : TimeSpan.Zero);
            }
        });
        // Passivated through the shard: a redeem that arrives meanwhile waits for the next incarnation.
        Receive<Forget>(_ => Context.Parent.Tell(new Passivate(PoisonPill.Instance)));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    private sealed class Forget
    {
        public static readonly Forget Instance = new();
    }
}

/// <summary>The ticket region in the actor registry: <c>IRequiredActor&lt;UsedTickets&gt;</c>.</summary>
internal sealed class UsedTickets
{
    private UsedTickets()
    {
    }
}

internal static class TicketEntityConfiguration
{
    /// <summary>Adds the <c>sse-ticket</c> shard region of <see cref="TicketEntity"/>.</summary>
    public static AkkaConfigurationBuilder WithTicketRegion(this AkkaConfigurationBuilder builder, int shardCount) =>
        builder.WithShardRegion<UsedTickets>(TicketEntity.RegionName, _ => Props.Create(() => new TicketEntity()),
            new TicketMessageExtractor(shardCount),
            new ShardOptions { StateStoreMode = StateStoreMode.DData, RememberEntities = false, ShouldPassivateIdleEntities = false });

    private sealed class TicketMessageExtractor(int maxNumberOfShards) : HashCodeMessageExtractor(maxNumberOfShards)
    {
        public override string? EntityId(object message) => message is RedeemTicket redeem ? redeem.TicketId.ToString("N") : null;
    }
}
