using Akka.Actor;
using Akka.TestKit.Xunit2;
using Sse.Actors.Mailboxes;

namespace Sse.Tests.Mailboxes;

[Trait("Category", TestCategories.Unit)]
public sealed class DirectPropsTests() : TestKit(SseTestConfig.Mailboxes)
{
    [Fact]
    public void The_actor_is_made_with_the_arguments_given()
    {
        var greeter = Sys.ActorOf(DirectProps.Of((Probe: TestActor, Greeting: "hello"), static args => new Greeter(args.Probe, args.Greeting)));

        greeter.Tell("anyone");

        ExpectMsg("hello anyone");
    }

    [Fact]
    public void On_the_lean_mailbox_and_after_Akka_copies_the_props_the_actor_is_still_made_directly()
    {
        var props = DirectProps.Of(TestActor, static probe => new Greeter(probe, "hi"));
        var lean = LeanMailbox.For(props, Sys);
        var copied = lean.WithDispatcher("akka.actor.default-dispatcher");

        Assert.Equal(typeof(Greeter), copied.Type);
        Assert.Equal(LeanMailbox.ConfigPath, lean.Mailbox);
        Assert.Equal(LeanMailbox.ConfigPath, copied.Mailbox);
        Sys.ActorOf(copied).Tell("there");
        ExpectMsg("hi there");
    }

    [Fact]
    public async Task An_actor_system_without_the_lean_mailbox_is_told_what_to_add_rather_than_given_the_default_queue()
    {
        var bare = ActorSystem.Create("bare");
        try
        {
            var refused = Assert.Throws<Akka.Configuration.ConfigurationException>(() => LeanMailbox.For(DirectProps.Of(TestActor, static probe => new Greeter(probe, "hi")), bare));

            Assert.Contains("LeanMailbox.Hocon", refused.Message);
            Assert.Contains("WithLeanMailbox", refused.Message);
        }
        finally
        {
            await bare.Terminate();
        }
    }

    private sealed class Greeter : ReceiveActor
    {
        public Greeter(IActorRef probe, string greeting) => Receive<string>(name => probe.Tell($"{greeting} {name}"));
    }
}
