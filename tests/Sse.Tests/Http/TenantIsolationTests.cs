using System.Net;

namespace Sse.Tests.Http;

/// <summary>Topics are scoped to the connection's tenant: the same topic name in two tenants is two topics.</summary>
[Trait("Category", TestCategories.Http)]
public sealed class TenantIsolationTests(SharedBrokerHost fixture) : IClassFixture<SharedBrokerHost>
{
    private BrokerHost Host => fixture.Host;

    [Fact]
    public async Task A_tenants_topic_event_reaches_only_that_tenants_subscribers()
    {
        var (tenantA, tenantB) = (Guid.NewGuid().ToString(), Guid.NewGuid().ToString());
        var topic = $"news-{Guid.NewGuid():N}";
        await using var ofA = await Connect(tenantA, topic);
        await using var ofB = await Connect(tenantB, topic);
        await using var noTenant = await Host.ConnectAsync(Guid.NewGuid().ToString(), topic);

        await Host.Broker.SendToTenantTopicAsync(tenantA, topic, "news", "for tenant A");

        Assert.Equal("for tenant A", (await ofA.NextEventAsync()).Data);
        await AssertNothingBeforeAMarkerAsync(ofB, noTenant);
    }

    [Fact]
    public async Task A_topic_event_without_a_tenant_reaches_no_tenants_subscribers()
    {
        var topic = $"news-{Guid.NewGuid():N}";
        await using var ofA = await Connect(Guid.NewGuid().ToString(), topic);
        await using var noTenant = await Host.ConnectAsync(Guid.NewGuid().ToString(), topic);

        await Host.Broker.SendToTopicAsync(topic, "news", "tenant-less");

        Assert.Equal("tenant-less", (await noTenant.NextEventAsync()).Data);
        await AssertNothingBeforeAMarkerAsync(ofA);
    }

    [Fact]
    public async Task Send_endpoint_scopes_a_topic_with_tenant_id()
    {
        var (tenantA, tenantB) = (Guid.NewGuid().ToString(), Guid.NewGuid().ToString());
        var topic = $"orders-{Guid.NewGuid():N}";
        await using var ofA = await Connect(tenantA, topic);
        await using var ofB = await Connect(tenantB, topic);

        using var response = await Host.SendAsync(new { target_type = "topic", topic, tenant_id = tenantB, data = "for B" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("for B", (await ofB.NextEventAsync()).Data);
        await AssertNothingBeforeAMarkerAsync(ofA);
    }

    /// <summary>Pairs that would share a topic key if the tenant were written into it as it is (or as a UUID's 32 digits).</summary>
    [Theory]
    [InlineData("acme", "~acme")]
    [InlineData("a,b", "a")]
    [InlineData("t:x", "t")]
    [InlineData("0b9a4cbe-3bd4-4f4c-9a53-2a4a0f0d6e11", "0b9a4cbe3bd44f4c9a532a4a0f0d6e11")]
    public async Task Tenants_whose_ids_differ_by_the_separators_of_keys_share_no_topic(string tenant, string other)
    {
        var topic = $"orders-{Guid.NewGuid():N}";
        await using var ofTenant = await Connect(tenant, topic);
        await using var ofOther = await Connect(other, topic);

        using var response = await Host.SendAsync(new { target_type = "topic", topic, tenant_id = tenant, data = "for one tenant" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("for one tenant", (await ofTenant.NextEventAsync()).Data);
        await AssertNothingBeforeAMarkerAsync(ofOther);
    }

    private async Task<SseStream> Connect(string tenantId, string topics)
    {
        var stream = await SseStream.OpenAsync(Host.Client, $"{BrokerHost.StreamPath(Guid.NewGuid().ToString(), topics)}&tenant_id={Uri.EscapeDataString(tenantId)}");
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
