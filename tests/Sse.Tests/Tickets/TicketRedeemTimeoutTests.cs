using System.Diagnostics;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Sse.Actors.Security;
using Sse.Actors.Settings;
using Sse.Actors.Tickets;

namespace Sse.Tests.Tickets;

[Trait("Category", TestCategories.Unit)]
public sealed class TicketRedeemTimeoutTests : Akka.TestKit.Xunit2.TestKit
{
    [Fact]
    public async Task A_ticket_whose_entity_does_not_answer_is_given_up_on_after_the_TicketRedeemTimeout()
    {
        var silent = CreateTestProbe();
        var options = new SseOptions { Auth = { TicketRedeemTimeout = TimeSpan.FromMilliseconds(100) } };
        var tickets = new StreamTickets(new EphemeralDataProtectionProvider(), new Required<UsedTickets>(silent), Options.Create(options));
        var ticket = new StreamTicket(Guid.NewGuid(), new SseIdentity("alice", null), ["news"], DateTimeOffset.UtcNow.AddMinutes(1));

        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAsync<AskTimeoutException>(() => tickets.RedeemAsync(ticket, ["news"]));

        silent.ExpectMsg<TicketProtocol.RedeemTicket>();
        // The default would wait 5 s.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"took {watch.Elapsed}");
    }

    private sealed class Required<T>(IActorRef actor) : IRequiredActor<T>
    {
        public IActorRef ActorRef => actor;

        public Task<IActorRef> GetAsync(CancellationToken cancellationToken = default) => Task.FromResult(actor);
    }
}
