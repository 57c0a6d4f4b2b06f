using Sse.Actors.Broker;
using static Sse.Actors.Broker.BrokerQueries;

namespace Sse.Tests.Broker;

[Trait("Category", TestCategories.Unit)]
public sealed class OnlineUserPagesTests
{
    // Opaque ids of several shapes, in the pages' order (ordinal).
    private static readonly string[] Users = [.. Enumerable.Range(0, 10).Select(i => i % 2 == 0 ? Guid.NewGuid().ToString() : $"auth0|{i}").Order(StringComparer.Ordinal)];

    [Fact]
    public void A_nodes_part_is_its_first_users_after_the_cursor_in_order()
    {
        var shuffled = Users.Reverse();

        Assert.Equal(Users[..4], OnlineUserPages.NodePage(shuffled, after: null, count: 4));
        Assert.Equal(Users[3..6], OnlineUserPages.NodePage(shuffled, after: Users[2], count: 3));
        Assert.Empty(OnlineUserPages.NodePage(shuffled, after: Users[^1], count: 3));
    }

    [Fact]
    public void A_nodes_part_is_never_larger_than_the_largest_page_and_one()
    {
        var many = Enumerable.Range(0, OnlineUserPages.MaxLimit + 10).Select(_ => Guid.NewGuid().ToString());

        Assert.Equal(OnlineUserPages.MaxLimit + 1, OnlineUserPages.NodePage(many, after: null, count: int.MaxValue).Length);
    }

    [Fact]
    public void The_nodes_are_asked_for_one_user_more_than_the_page_holds()
    {
        Assert.Equal(new GetNodeOnlineUsers(Users[0], 11), OnlineUserPages.NodeQuestion(new GetOnlineUsers(Users[0], 10)));
        Assert.Equal(OnlineUserPages.MaxLimit + 1, OnlineUserPages.NodeQuestion(new GetOnlineUsers(null, int.MaxValue)).Limit);
        Assert.Equal(2, OnlineUserPages.NodeQuestion(new GetOnlineUsers(null, 0)).Limit);
    }

    [Fact]
    public void Parts_merge_into_a_page_of_each_user_once_in_order_with_the_cursor_of_the_next()
    {
        // A user with streams on both nodes is in both parts.
        string[] first = [Users[0], Users[2], Users[3], Users[5]];
        string[] second = [Users[1], Users[2], Users[4], Users[5]];

        var page = OnlineUserPages.Merge(new GetOnlineUsers(null, 4), [first, second]);

        Assert.Equal(Users[..4], page.UserIds);
        Assert.Equal(Users[3], page.Next);
    }

    [Fact]
    public void The_last_page_has_no_cursor_even_when_it_is_full()
    {
        var page = OnlineUserPages.Merge(new GetOnlineUsers(Users[5], 4), [Users[6..], Users[7..]]);

        Assert.Equal(Users[6..], page.UserIds);
        Assert.Null(page.Next);
    }

    [Fact]
    public void A_node_with_more_than_the_page_makes_a_next_page()
    {
        // Asked for a page and one: its fifth user tells that more follow.
        var page = OnlineUserPages.Merge(new GetOnlineUsers(null, 4), [Users[..5], []]);

        Assert.Equal((4, Users[3]), (page.UserIds.Count, page.Next));
    }

    [Fact]
    public void Walking_the_pages_of_two_overlapping_nodes_gives_every_user_once()
    {
        var all = Enumerable.Range(0, 1000).Select(_ => Guid.NewGuid().ToString()).ToArray();
        var onA = all[..600];
        var onB = all[400..];
        var seen = new List<string>();
        string? after = null;
        do
        {
            var question = new GetOnlineUsers(after, 70);
            var ask = OnlineUserPages.NodeQuestion(question);
            var page = OnlineUserPages.Merge(question, [OnlineUserPages.NodePage(onA, ask.After, ask.Limit), OnlineUserPages.NodePage(onB, ask.After, ask.Limit)]);
            Assert.InRange(page.UserIds.Count, 1, 70);
            seen.AddRange(page.UserIds);
            after = page.Next;
        }
        while (after is not null);

        Assert.Equal(all.Order(), seen);
    }
}
