using Microsoft.Extensions.Options;

namespace Sse.Tests.Http;

[Trait("Category", TestCategories.Http)]
public sealed class SafeDefaultsTests
{
    private static readonly Dictionary<string, string> Production = new()
    {
        ["environment"] = "Production",
        ["Sse:HeartbeatInterval"] = "00:00:05",
    };

    [Fact]
    public async Task Outside_Development_the_query_string_authenticator_refuses_to_start_and_says_why()
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => BrokerHost.StartAsync(Production));

        Assert.Contains("Sse:Auth:Mode", failure.Message);
        Assert.Contains("Sse:Auth:AllowQueryString", failure.Message);
    }

    [Fact]
    public async Task Outside_Development_the_query_string_authenticator_starts_when_explicitly_allowed()
    {
        await using var host = await BrokerHost.StartAsync(new Dictionary<string, string>(Production) { ["Sse:Auth:AllowQueryString"] = "true" });

        await using var stream = await host.ConnectAsync(Guid.NewGuid().ToString());
    }

    [Fact]
    public async Task Jwt_mode_without_a_key_or_authority_fails_start_naming_the_options()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            BrokerHost.StartAsync(new Dictionary<string, string> { ["Sse:Auth:Mode"] = "Jwt" }));

        Assert.Contains("Sse:Auth:Jwt:SigningKey", failure.Message);
    }
}
