using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Sse.Tests.Http;

/// <summary>
/// Sse.Host keeps no per-request Activity or log scope for a stream's whole life: ASP.NET Core's hosting logger, which
/// starts both whenever it is on even for Critical, is off unless an operator turns it on.
/// </summary>
[Trait("Category", TestCategories.Http)]
public sealed class RequestLoggingTests
{
    private const string HostingLogger = "Microsoft.AspNetCore.Hosting.Diagnostics";

    [Fact]
    public async Task The_hosting_logger_is_off_even_for_critical_lines()
    {
        await using var host = await BrokerHost.StartAsync();

        Assert.False(Logger(host).IsEnabled(LogLevel.Critical));
    }

    [Fact]
    public async Task An_operator_can_turn_the_request_lines_back_on()
    {
        await using var host = await BrokerHost.StartAsync(new Dictionary<string, string>
        {
            [$"Serilog:MinimumLevel:Override:{HostingLogger}"] = "Information",
        });

        Assert.True(Logger(host).IsEnabled(LogLevel.Information));
    }

    [Fact]
    public async Task Two_hosts_in_one_process_each_keep_their_own_logging()
    {
        await using var verbose = await BrokerHost.StartAsync(new Dictionary<string, string>
        {
            [$"Serilog:MinimumLevel:Override:{HostingLogger}"] = "Information",
        });
        Assert.True(Logger(verbose).IsEnabled(LogLevel.Information));

        await using (var quiet = await BrokerHost.StartAsync())
        {
            Assert.False(Logger(quiet).IsEnabled(LogLevel.Critical));
            Assert.True(Logger(verbose).IsEnabled(LogLevel.Information));
        }

        // The other host stopped: this one's logging goes on.
        Assert.True(Logger(verbose).IsEnabled(LogLevel.Information));
    }

    private static ILogger Logger(BrokerHost host) => host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(HostingLogger);
}
