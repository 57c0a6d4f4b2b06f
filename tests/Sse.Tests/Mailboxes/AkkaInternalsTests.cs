using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using Sse.Actors.Delivery;
using Sse.Actors.Broker;
using Sse.Actors.Mailboxes;

namespace Sse.Tests.Mailboxes;

/// <summary>
/// What the broker takes from Akka.NET beyond its public contract (<see cref="AkkaInternals"/>): a test fails here when an
/// Akka.NET version changes it.
/// </summary>
[Trait("Category", TestCategories.Unit)]
public sealed class AkkaInternalsTests() : TestKit(DeliveryMailboxToo)
{
    private static readonly Config DeliveryMailboxToo = ConfigurationFactory.ParseString(DeliveryMailbox.Hocon(capacity: 100))
        .WithFallback(SseTestConfig.Mailboxes);

    private readonly ManualResetEventSlim _gate = new();

    [Theory]
    [InlineData(LeanMailbox.ConfigPath)]
    [InlineData(DeliveryMailbox.ConfigPath)]
    public void The_mailbox_size_grows_with_the_queued_messages_and_drops_as_they_are_processed(string mailbox)
    {
        var actor = Sys.ActorOf(Props.Create(() => new GatedActor(_gate, TestActor)).WithMailbox(mailbox));
        actor.Tell(GatedActor.Wait);
        ExpectMsg(GatedActor.Wait);

        actor.Tell(1);
        actor.Tell(2);
        actor.Tell(3);

        Assert.Equal(3, AkkaInternals.MailboxSize(actor));
        _gate.Set();
        ExpectMsg(1);
        ExpectMsg(2);
        ExpectMsg(3);
        AwaitCondition(() => AkkaInternals.MailboxSize(actor) == 0);
    }

    [Fact]
    public void A_new_stash_puts_its_messages_back_in_order_ahead_of_those_queued_behind_them()
    {
        var actor = Sys.ActorOf(Props.Create(() => new GatedActor(_gate, TestActor)).WithMailbox(LeanMailbox.ConfigPath));
        actor.Tell(GatedActor.Stash);
        actor.Tell(GatedActor.Wait);
        ExpectMsg(GatedActor.Wait);
        actor.Tell(1);
        actor.Tell(2);
        actor.Tell(GatedActor.Unstash);
        // Queued before the stash gives its messages back.
        actor.Tell(3);

        _gate.Set();

        ExpectMsg(1);
        ExpectMsg(2);
        ExpectMsg(3);
    }

    [Fact]
    public void An_actor_of_this_node_is_known_dead_once_it_has_stopped_and_not_before()
    {
        var actor = Sys.ActorOf(Props.Create(() => new GatedActor(_gate, TestActor)));
        Assert.False(AkkaInternals.IsKnownDead(actor));
        Watch(actor);

        Sys.Stop(actor);

        ExpectTerminated(actor);
        Assert.True(AkkaInternals.IsKnownDead(actor));
    }

    protected override void AfterAll()
    {
        _gate.Set();
        base.AfterAll();
        _gate.Dispose();
    }

    /// <summary>
    /// Tells its probe what it processes. <see cref="Wait"/> holds it until the gate opens, so what is sent next stays in
    /// its mailbox; after <see cref="Stash"/> it stashes what comes until <see cref="Unstash"/>.
    /// </summary>
    private sealed class GatedActor(ManualResetEventSlim gate, IActorRef probe) : UntypedActor
    {
        public const string Wait = "wait", Stash = "stash", Unstash = "unstash";

        private IStash? _stash;

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case Wait:
                    probe.Tell(Wait);
                    gate.Wait(TimeSpan.FromSeconds(10));
                    break;
                case Stash:
                    _stash = AkkaInternals.NewStash(Context);
                    break;
                case Unstash:
                    _stash!.UnstashAll();
                    _stash = null;
                    break;
                case int when _stash is not null:
                    _stash.Stash();
                    break;
                default:
                    probe.Tell(message);
                    break;
            }
        }
    }
}
