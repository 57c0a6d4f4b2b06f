using Serilog.Events;
using Serilog.Parsing;
using Sse.Actors.Security;

namespace Sse.Tests.Security;

[Trait("Category", TestCategories.Unit)]
public sealed class TokenRedactingEnricherTests
{
    [Theory]
    [InlineData(null, "/stream?token=abc.def&topics=a", "/stream?token=[redacted]&topics=a")]
    [InlineData(null, "/stream?access_token=abc", "/stream?access_token=[redacted]")]
    [InlineData("jwt", "/stream?topics=a&jwt=abc.def", "/stream?topics=a&jwt=[redacted]")]
    [InlineData("jwt", "/stream?TOKEN=abc", "/stream?TOKEN=[redacted]")]
    [InlineData(null, "/stream?topics=a&ticket=CfDJ8abc-_", "/stream?topics=a&ticket=[redacted]")]
    [InlineData(null, "/stream?notatoken=abc", "/stream?notatoken=abc")]
    public void Redacts_the_default_and_the_configured_token_parameters(string? configured, string logged, string expected)
    {
        var logEvent = new LogEvent(DateTimeOffset.UtcNow, LogEventLevel.Information, null, new MessageTemplate("{Path}", []),
            [new LogEventProperty("Path", new ScalarValue(logged))]);

        new TokenRedactingEnricher(configured).Enrich(logEvent, null!);

        Assert.Equal(expected, ((ScalarValue)logEvent.Properties["Path"]).Value);
    }
}
