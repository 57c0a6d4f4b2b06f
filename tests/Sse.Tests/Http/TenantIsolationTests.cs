using System.Net;

namespace Sse.Tests.Http;

/// <summary>Topics are scoped to the connection's tenant: the same topic name in two tenants is two topics.</summary>
public sealed class TenantIsolationTests(SharedBrokerHost fixture) : IClassFixture<SharedBrokerHost>
{
    private BrokerHost Host => fixture.Host;

    [Fact]
    public async Task A_tenants_topic_event_reaches_only_that_tenants_subscribers()
    {
        var (tenantA, tenantB) = (Guid.NewGuid(), Guid.NewGuid());
        var topic = $"news-{Guid.NewGuid():N}";
        await using var ofA = await Connect(tenantA, topic);
        await using var ofB = await Connect(tenantB, topic);
        await using var noTenant = await Host.ConnectAsync(Guid.NewGuid(), topic);

        await Host.Broker.SendToTopicAsync(tenantA, topic, "news", "for tenant A");

        Assert.Equal("for tenant A", (await ofA.NextEventAsync()).Data);
        await AssertNothingBeforeAMarkerAsync(ofB, noTenant);
    }

    [Fact]
    public async Task A_topic_event_without_a_tenant_reaches_no_tenants_subscribers()
    {
        var topic = $"news-{Guid.NewGuid():N}";
        await using var ofA = await Connect(Guid.NewGuid(), topic);
        await using var noTenant = await Host.ConnectAsync(Guid.NewGuid(), topic);

        await Host.Broker.SendToTopicAsync(topic, "news", "tenant-less");

        Assert.Equal("tenant-less", (await noTenant.NextEventAsync()).Data);
        await AssertNothingBeforeAMarkerAsync(ofA);
    }

    [Fact]
    public async Task Send_endpoint_scopes_a_topic_with_tenant_id()
    {
        var (tenantA, tenantB) = (Guid.NewGuid(), Guid.NewGuid());
        var topic = $"orders-{Guid.NewGuid():N}";
        await using var ofA = await Connect(tenantA, topic);
        await using var ofB = await Connect(tenantB, topic);

        using var response = await Host.SendAsync(new { target_type = "topic", topic, tenant_id = tenantB, data = "for B" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("for B", (await ofB.NextEventAsync()).Data);
        await AssertNothingBeforeAMarkerAsync(ofA);
    }

    [Fact]
    public async Task Send_endpoint_refuses_a_tenant_id_that_is_not_a_uuid()
    {
        using var response = await Host.SendAsync(new { target_type = "topic", topic = "news", tenant_id = "acme", data = "x" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("tenant_id", await response.Content.ReadAsStringAsync());
    }

    private async Task<SseStream> Connect(Guid tenantId, string topics)
    {
        var stream = await SseStream.OpenAsync(Host.Client, $"{BrokerHost.StreamPath(Guid.NewGuid(), topics)}&tenant_id={tenantId}");
        await stream.WelcomeAsync();
        return stream;
    }

    /// <summary>The event was already fanned out when its recipient read it; a broadcast sent now arrives after anything misrouted.</summary>
    private async Task AssertNothingBeforeAMarkerAsync(params SseStream[] streams)
    {
        var marker = Guid.NewGuid().ToString();
        await Host.Broker.BroadcastAsync("marker", marker);
        foreach (var stream in streams)
        {
            Assert.Equal(marker, (await stream.NextEventAsync()).Data);
        }
    }
}
