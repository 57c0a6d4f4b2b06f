using Akka.Actor;
using Sse.Actors.Delivery;

namespace Sse.Tests.Delivery;

/// <summary>The compact set of a stream's local recipients: one inline, more in a hash set, the same answers either way.</summary>
[Trait("Category", TestCategories.Unit)]
public sealed class RecipientsTests : Akka.TestKit.Xunit2.TestKit
{
    [Fact]
    public void One_recipient_is_kept_once_and_removed()
    {
        var a = CreateTestProbe().Ref;
        var recipients = new Recipients();

        Assert.True(recipients.Add(a));
        Assert.False(recipients.Add(a));
        Assert.Equal(1, recipients.Count);
        Assert.True(recipients.Contains(a));
        Assert.Equal([a], recipients.ToList());
        Assert.True(recipients.Remove(a));
        Assert.False(recipients.Remove(a));

        Assert.Equal(0, recipients.Count);
        Assert.Empty(recipients.ToList());
    }

    [Fact]
    public void Many_recipients_are_each_kept_once_and_enumerated_all()
    {
        IActorRef[] refs = [.. Enumerable.Range(0, 5).Select(_ => CreateTestProbe().Ref)];
        var recipients = new Recipients();

        foreach (var one in refs)
        {
            Assert.True(recipients.Add(one));
        }
        Assert.False(recipients.Add(refs[0]));
        Assert.True(recipients.Remove(refs[1]));
        Assert.False(recipients.Contains(refs[1]));

        Assert.Equal(4, recipients.Count);
        List<IActorRef> enumerated = [];
        foreach (var one in recipients)
        {
            enumerated.Add(one);
        }
        Assert.Equal(refs.Except([refs[1]]).ToHashSet(), enumerated.ToHashSet());
        Assert.Equal(4, enumerated.Count);
    }

    [Fact]
    public void The_empty_set_enumerates_nothing()
    {
        var recipients = new Recipients();
        var count = 0;
        foreach (var _ in recipients)
        {
            count++;
        }

        Assert.Equal(0, count);
        Assert.False(recipients.Contains(CreateTestProbe().Ref));
    }
}
