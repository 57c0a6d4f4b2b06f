using Akka.Actor;
using Sse.Actors.Broker;
using Sse.Actors.Clients;
using Sse.Tests.Browser;
using Sse.Tests.Http;

namespace Sse.Tests.Client;

/// <summary>
/// The browser client in <c>Jwt</c> mode buys a ticket for every connect, so the bearer token never reaches a URL
/// or the server's log, and a refused ticket leads to a new one rather than a dead stream.
/// </summary>
[Collection(TicketLogCollection.Name)]
[Trait("Category", TestCategories.Browser)]
public sealed class ClientTicketTests(TicketHost fixture, ChromiumFixture chromium)
    : IClassFixture<TicketHost>, IClassFixture<ChromiumFixture>
{
    // Counts the tickets the client buys itself.
    private const string CountTicketPurchases = """
        window.purchases = 0;
        const original = window.fetch;
        window.fetch = (url, init) => { if (String(url).includes('/api/v1/sse/ticket')) window.purchases++; return original(url, init); };
        """;

    private BrokerHost Host => fixture.Host;

    [Fact]
    public async Task The_client_buys_a_ticket_per_connect_with_the_bearer_token_which_no_request_log_shows()
    {
        var user = Guid.NewGuid().ToString();
        var topic = $"news-{Guid.NewGuid():N}";
        var token = TicketRequests.Token(user);
        await using var tabs = new ClientTabs(chromium.Browser, Host);
        var page = await tabs.OpenAsync(new { token, user, topics = new[] { topic } }, initScript: CountTicketPurchases);
        await Host.Broker.SendToUserAsync(user, "n", "first");
        await ClientTabs.AwaitReceivedAsync(page, "first");

        // The server ends the stream (a close event): the client reconnects with a new ticket, resuming after "first".
        Host.ActorSystem.ActorSelection($"/user/{BrokerActor.Name}/client-*").Tell(new ClientProtocol.Close(TimeSpan.FromSeconds(1)));
        await page.WaitForFunctionAsync("() => window.purchases >= 2 && window.sub.status.state === 'open'");
        await Host.Broker.SendToUserAsync(user, "n", "second");
        await Host.Broker.SendToTopicAsync(topic, "n", "on the topic");

        await ClientTabs.AwaitReceivedAsync(page, "second", "on the topic");
        Assert.Equal(["first", "second", "on the topic"], await ClientTabs.ReceivedAsync(page));
        Assert.Equal(2, await page.EvaluateAsync<int>("() => window.purchases"));
        Assert.Contains(fixture.Logs.Lines(), line => line.Contains("ticket=[redacted]"));
        Assert.DoesNotContain(fixture.Logs.Lines(), line => line.Contains(token));
        Assert.Empty(tabs.PageErrors);
    }

    [Fact]
    public async Task A_refused_ticket_leads_to_a_new_one_not_a_dead_stream()
    {
        var user = Guid.NewGuid().ToString();
        var token = TicketRequests.Token(user);
        await using var tabs = new ClientTabs(chromium.Browser, Host);
        // The first ticket is refused (401); the client asks for the next.
        var page = await tabs.OpenAsync(new { user }, initScript: $$"""
            window.tickets = 0;
            window.clientOptions = {
              ticket: async topics => {
                if (++window.tickets === 1) return 'a-forged-ticket';
                const response = await fetch('/api/v1/sse/ticket', { method: 'POST', headers: { Authorization: 'Bearer {{token}}' } });
                return (await response.json()).ticket;
              },
            };
            """);
        await page.WaitForFunctionAsync("() => window.tickets >= 2");
        await Host.Broker.SendToUserAsync(user, "n", "after the refusal");

        await ClientTabs.AwaitReceivedAsync(page, "after the refusal");
        Assert.Contains(await page.EvaluateAsync<string[]>("() => window.statuses.map(s => s.reason ?? '')"), reason => reason.Contains("401"));
        Assert.Equal(2, await page.EvaluateAsync<int>("() => window.tickets"));
    }
}
