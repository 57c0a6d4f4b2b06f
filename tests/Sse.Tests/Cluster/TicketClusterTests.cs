using System.Net;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Sse.Tests.Http;

namespace Sse.Tests.Cluster;

/// <summary>Tickets work on any node: nodes that share a Data Protection key ring read each other's tickets, and a ticket is used once in the cluster.</summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", TestCategories.Cluster)]
public sealed class TicketClusterTests : IDisposable
{
    private readonly DirectoryInfo _keyRing = Directory.CreateTempSubdirectory("sse-ticket-keys-");

    public void Dispose() => _keyRing.Delete(recursive: true);

    [Fact]
    public async Task A_ticket_issued_on_one_node_streams_on_another_and_is_used_once_in_the_cluster()
    {
        var port = ClusterNodes.FreePort();
        var seed = $"akka.tcp://sse@127.0.0.1:{port}";
        await using var a = await StartNodeAsync(seed, port);
        await using var b = await StartNodeAsync(seed, port: null);
        await ClusterNodes.AwaitMembersUpAsync(a, b);
        var userId = Guid.NewGuid().ToString();
        var topic = $"news-{Guid.NewGuid():N}";

        var issued = await TicketRequests.IssueAsync(a, TicketRequests.Token(userId), topic);
        await using var onB = await SseStream.OpenAsync(b.Client, TicketRequests.StreamPath(issued.Ticket, topic));
        await onB.WelcomeAsync();
        await a.Broker.SendToTopicAsync(topic, "n", "sent through A");
        using var againOnA = await a.Client.GetAsync(TicketRequests.StreamPath(issued.Ticket, topic), HttpCompletionOption.ResponseHeadersRead);
        using var againOnB = await b.Client.GetAsync(TicketRequests.StreamPath(issued.Ticket, topic), HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal("sent through A", (await onB.NextEventAsync()).Data);
        await TicketRequests.AssertRefusedAsync(againOnA, HttpStatusCode.Unauthorized, "the ticket has already been used");
        await TicketRequests.AssertRefusedAsync(againOnB, HttpStatusCode.Unauthorized, "the ticket has already been used");
    }

    /// <summary>A node in <c>Jwt</c> mode whose key ring is the shared directory, as every node of a deployment must have.</summary>
    private Task<BrokerHost> StartNodeAsync(string seed, int? port)
    {
        var settings = TicketHost.JwtSettings();
        settings["Sse:Cluster:SeedNodes:0"] = seed;
        if (port is { } seedPort)
        {
            settings["Sse:Cluster:Port"] = seedPort.ToString();
        }
        return BrokerHost.StartAsync(settings, hocon: ClusterNodes.ClusterHocon, configure: builder =>
            builder.Services.AddDataProtection().PersistKeysToFileSystem(_keyRing).SetApplicationName("sse-ticket-cluster-test"));
    }
}
