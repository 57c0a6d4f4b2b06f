using Akka.Actor;
using Akka.Cluster.Sharding;
using Sse.Actors.Tickets;
using static Sse.Actors.Tickets.TicketProtocol;

namespace Sse.Tests.Tickets;

[Trait("Category", TestCategories.Unit)]
public sealed class TicketEntityTests() : Akka.TestKit.Xunit2.TestKit(SseTestConfig.SerializeMessages)
{
    [Fact]
    public void A_ticket_is_redeemed_once_and_reported_used_after_that()
    {
        var ticketId = Guid.NewGuid();
        var entity = CreateTestProbe().ChildActorOf(Props.Create(() => new TicketEntity()));
        var expiresAt = DateTimeOffset.UtcNow.AddSeconds(30);

        entity.Tell(new RedeemTicket(ticketId, expiresAt));
        entity.Tell(new RedeemTicket(ticketId, expiresAt));

        Assert.Equal(new TicketRedeemed(ticketId, FirstUse: true), ExpectMsg<TicketRedeemed>());
        Assert.Equal(new TicketRedeemed(ticketId, FirstUse: false), ExpectMsg<TicketRedeemed>());
    }

    [Fact]
    public void The_entity_asks_its_shard_to_passivate_it_once_its_ticket_expired_long_enough_ago()
    {
        var shard = CreateTestProbe();
        var entity = shard.ChildActorOf(Props.Create(() => new TicketEntity()));

        entity.Tell(new RedeemTicket(Guid.NewGuid(), DateTimeOffset.UtcNow - TicketEntity.KeepAfterExpiry));

        ExpectMsg<TicketRedeemed>();
        shard.ExpectMsg<Passivate>();
    }
}
