using Microsoft.Playwright;
using Sse.Tests.Browser;
using Sse.Tests.Http;

namespace Sse.Tests.Client;

/// <summary>Ten tabs of one user hold one stream between them, and each gets its own topics' events once.</summary>
[Trait("Category", TestCategories.Browser)]
public sealed class SharedStreamTests(ClientBrokerHost fixture, ChromiumFixture chromium)
    : IClassFixture<ClientBrokerHost>, IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task Ten_tabs_of_one_user_hold_one_connection_and_each_gets_its_topics_events_once()
    {
        var host = fixture.Host;
        var user = Guid.NewGuid().ToString();
        string a = $"a-{Guid.NewGuid():N}", b = $"b-{Guid.NewGuid():N}";
        await using var tabs = new ClientTabs(chromium.Browser, host);
        for (var i = 0; i < 10; i++)
        {
            await tabs.OpenAsync(new { query = new { user_id = user }, topics = new[] { i % 2 == 0 ? a : b } });
        }

        await host.AwaitStatsAsync(stats => stats.GetProperty("total_clients").GetInt32() == 1 && stats.GetProperty("total_users").GetInt32() == 1);
        Assert.Equal(1, await host.Broker.GetUserConnectionCountAsync(user));
        var broadcast = Guid.NewGuid().ToString("N");
        for (var i = 1; i <= 5; i++)
        {
            await host.Broker.SendToUserAsync(user, "n", $"u-{i}");
            await host.Broker.SendToTopicAsync(a, "n", $"a-{i}");
            await host.Broker.SendToTopicAsync(b, "n", $"b-{i}");
            await host.Broker.BroadcastAsync("n", $"{broadcast}-{i}");
        }

        string[] users = [.. Enumerable.Range(1, 5).Select(i => $"u-{i}")];
        string[] broadcasts = [.. Enumerable.Range(1, 5).Select(i => $"{broadcast}-{i}")];
        for (var i = 0; i < 10; i++)
        {
            var page = tabs.Pages[i];
            var topic = i % 2 == 0 ? "a" : "b";
            string[] topics = [.. Enumerable.Range(1, 5).Select(n => $"{topic}-{n}")];
            await ClientTabs.AwaitReceivedAsync(page, [users[^1], topics[^1], broadcasts[^1]]);
            Assert.Equal(users, await ClientTabs.ReceivedAsync(page, "user"));
            Assert.Equal(topics, await ClientTabs.ReceivedAsync(page, $"topic:{(i % 2 == 0 ? a : b)}"));
            Assert.Equal(broadcasts, await ClientTabs.ReceivedAsync(page, "broadcast"));
            Assert.Equal(15, (await ClientTabs.ReceivedAsync(page)).Count);
            Assert.Empty(await ClientTabs.ResetsAsync(page));
        }
        Assert.Equal(1, await host.Broker.GetUserConnectionCountAsync(user));
        Assert.Empty(tabs.PageErrors);
    }
}

/// <summary>
/// The tabs of one user share one stream through the browser client: each gets its own topics' events,
/// a new leader takes over from a closed or crashed one without a miss or a duplicate, resets reach every tab,
/// and without the sharing APIs each tab streams alone.
/// </summary>
[Trait("Category", TestCategories.Browser)]
public sealed class TabSharingTests(ClientBrokerHost fixture, ChromiumFixture chromium)
    : IClassFixture<ClientBrokerHost>, IClassFixture<ChromiumFixture>
{
    private BrokerHost Host => fixture.Host;

    [Fact]
    public async Task Two_tabs_with_different_topics_get_only_their_own_topics_and_both_get_the_users_events()
    {
        var user = Guid.NewGuid().ToString();
        string a = $"a-{Guid.NewGuid():N}", b = $"b-{Guid.NewGuid():N}";
        await using var tabs = new ClientTabs(chromium.Browser, Host);
        var first = await tabs.OpenAsync(new { query = new { user_id = user }, topics = new[] { a } });
        var second = await tabs.OpenAsync(new { query = new { user_id = user }, topics = new[] { b } });

        await Host.Broker.SendToTopicAsync(a, "n", "on a");
        await Host.Broker.SendToTopicAsync(b, "n", "on b");
        await Host.Broker.SendToUserAsync(user, "n", "to the user");

        await ClientTabs.AwaitReceivedAsync(first, "on a", "to the user");
        await ClientTabs.AwaitReceivedAsync(second, "on b", "to the user");
        Assert.Equal(["on a", "to the user"], await ClientTabs.ReceivedAsync(first));
        Assert.Equal(["on b", "to the user"], await ClientTabs.ReceivedAsync(second));
        Assert.Equal(1, await Host.Broker.GetUserConnectionCountAsync(user));
        Assert.Empty(tabs.PageErrors);
    }

    [Fact]
    public async Task Tabs_of_two_users_in_one_browser_do_not_share_a_stream()
    {
        string alice = Guid.NewGuid().ToString(), bob = Guid.NewGuid().ToString();
        await using var tabs = new ClientTabs(chromium.Browser, Host);
        IPage[] alices = [await tabs.OpenAsync(new { query = new { user_id = alice } }), await tabs.OpenAsync(new { query = new { user_id = alice } })];
        var bobs = await tabs.OpenAsync(new { query = new { user_id = bob } });

        await Host.Broker.SendToUserAsync(alice, "n", "for alice");
        await Host.Broker.SendToUserAsync(bob, "n", "for bob");

        await ClientTabs.AwaitReceivedAsync(bobs, "for bob");
        Assert.Equal(["for bob"], await ClientTabs.ReceivedAsync(bobs));
        foreach (var page in alices)
        {
            await ClientTabs.AwaitReceivedAsync(page, "for alice");
            Assert.Equal(["for alice"], await ClientTabs.ReceivedAsync(page));
        }
        Assert.Equal(1, await Host.Broker.GetUserConnectionCountAsync(alice));
        Assert.Equal(1, await Host.Broker.GetUserConnectionCountAsync(bob));
        Assert.Empty(tabs.PageErrors);
    }

    [Fact]
    public async Task When_the_leader_tab_closes_another_takes_over_and_the_tabs_get_every_event_once_in_order() =>
        await Leader_is_replaced_without_a_miss_or_a_duplicate(page => page.CloseAsync());

    [Fact]
    public async Task When_the_leader_tab_crashes_another_takes_over_and_the_tabs_get_every_event_once_in_order() =>
        await Leader_is_replaced_without_a_miss_or_a_duplicate(async page =>
        {
            var crashed = new TaskCompletionSource();
            page.Crash += (_, _) => crashed.TrySetResult();
            var cdp = await page.Context.NewCDPSessionAsync(page);
            _ = cdp.SendAsync("Page.crash");
            await crashed.Task.WaitAsync(BrokerHost.FactTimeout);
        });

    private async Task Leader_is_replaced_without_a_miss_or_a_duplicate(Func<IPage, Task> lose)
    {
        var user = Guid.NewGuid().ToString();
        var topic = $"t-{Guid.NewGuid():N}";
        await using var tabs = new ClientTabs(chromium.Browser, Host);
        var leader = await tabs.OpenAsync(new { query = new { user_id = user }, topics = new[] { topic } });
        IPage[] others = [await tabs.OpenAsync(new { query = new { user_id = user }, topics = new[] { topic } }),
            await tabs.OpenAsync(new { query = new { user_id = user }, topics = new[] { topic } })];

        const int events = 60;
        using var lost = new CancellationTokenSource();
        var publishing = Task.Run(async () =>
        {
            for (var i = 1; i <= events; i++)
            {
                await Host.Broker.SendToUserAsync(user, "n", $"u-{i}");
                await Host.Broker.SendToTopicAsync(topic, "n", $"t-{i}");
                await Task.Delay(50);
            }
        });
        await ClientTabs.AwaitReceivedAsync(others[0], "u-10");
        var lostAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await lose(leader);
        await publishing;

        foreach (var page in others)
        {
            await ClientTabs.AwaitReceivedAsync(page, $"u-{events}", $"t-{events}");
            Assert.Equal([.. Enumerable.Range(1, events).Select(i => $"u-{i}")], await ClientTabs.ReceivedAsync(page, "user"));
            Assert.Equal([.. Enumerable.Range(1, events).Select(i => $"t-{i}")], await ClientTabs.ReceivedAsync(page, $"topic:{topic}"));
            Assert.Empty(await ClientTabs.ResetsAsync(page));
        }
        // The new leader's stream was open within 2 s of the loss.
        var reopenedAt = await others[0].EvaluateAsync<long>("lostAt => window.statuses.find(s => s.at >= lostAt && s.state === 'open')?.at ?? 0", lostAt);
        Assert.InRange(reopenedAt - lostAt, 0, 2000);
        await Host.AwaitStatsAsync(_ => Host.Broker.GetUserConnectionCountAsync(user).Result == 1);
    }

    [Fact]
    public async Task A_reset_reaches_on_reset_in_every_tab_with_the_streams_it_names()
    {
        var user = Guid.NewGuid().ToString();
        var topic = $"t-{Guid.NewGuid():N}";
        await using var tabs = new ClientTabs(chromium.Browser, Host);
        for (var i = 0; i < 3; i++)
        {
            await tabs.OpenAsync(new { query = new { user_id = user }, topics = new[] { topic } });
        }

        fixture.Gate.CloseAndCut(user);
        try
        {
            // More than the history keeps: the user stream cannot be resumed; the topic stream can.
            for (var i = 0; i <= ClientBrokerHost.HistorySize; i++)
            {
                await Host.Broker.SendToUserAsync(user, "n", $"missed-{i}");
            }
        }
        finally
        {
            fixture.Gate.Open();
        }
        foreach (var page in tabs.Pages)
        {
            await page.WaitForFunctionAsync("() => window.resets.length > 0");
        }
        await Host.Broker.SendToUserAsync(user, "n", "after");

        foreach (var page in tabs.Pages)
        {
            await ClientTabs.AwaitReceivedAsync(page, "after");
            Assert.Equal([["user"]], await ClientTabs.ResetsAsync(page));
            Assert.Equal(["after"], await ClientTabs.ReceivedAsync(page));
        }
        Assert.Empty(tabs.PageErrors);
    }

    [Fact]
    public async Task Without_BroadcastChannel_each_tab_streams_on_its_own()
    {
        var user = Guid.NewGuid().ToString();
        var topic = $"t-{Guid.NewGuid():N}";
        await using var tabs = new ClientTabs(chromium.Browser, Host);
        for (var i = 0; i < 2; i++)
        {
            await tabs.OpenAsync(new { query = new { user_id = user }, topics = new[] { topic } }, initScript: "delete window.BroadcastChannel");
        }

        Assert.Equal(2, await Host.Broker.GetUserConnectionCountAsync(user));
        await Host.Broker.SendToUserAsync(user, "n", "to the user");
        await Host.Broker.SendToTopicAsync(topic, "n", "on the topic");
        foreach (var page in tabs.Pages)
        {
            await ClientTabs.AwaitReceivedAsync(page, "to the user", "on the topic");
            Assert.Equal(["to the user", "on the topic"], await ClientTabs.ReceivedAsync(page));
            Assert.False(await page.EvaluateAsync<bool>("() => window.sub.shared"));
        }
        Assert.Empty(tabs.PageErrors);
    }
}
