using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Sse.Actors.Hosting;

/// <summary>The seed's rules for <see cref="SseOptions"/>; a failure names the option and stops start-up.</summary>
public sealed class SseOptionsValidator(IHostEnvironment environment) : IValidateOptions<SseOptions>
{
    private static readonly TimeSpan ProductionMinimumHeartbeat = TimeSpan.FromSeconds(5);

    public ValidateOptionsResult Validate(string? name, SseOptions options)
    {
        var failures = new List<string>();
        void Require(bool rule, string message)
        {
            if (!rule)
            {
                failures.Add(message);
            }
        }

        const string s = SseOptions.SectionName;
        Require(options.ClientBufferSize >= 1, $"{s}:ClientBufferSize must be at least 1 (is {options.ClientBufferSize}).");
        Require(options.HeartbeatInterval > TimeSpan.Zero, $"{s}:HeartbeatInterval must be positive (is {options.HeartbeatInterval}).");
        Require(environment.IsDevelopment() || options.HeartbeatInterval >= ProductionMinimumHeartbeat,
            $"{s}:HeartbeatInterval must be at least {ProductionMinimumHeartbeat} outside Development (is {options.HeartbeatInterval}).");
        Require(options.ClientTimeout >= 2 * options.HeartbeatInterval,
            $"{s}:ClientTimeout must be at least twice {s}:HeartbeatInterval (is {options.ClientTimeout}, heartbeat {options.HeartbeatInterval}).");
        Require(options.MaxConnections >= 0, $"{s}:MaxConnections must be 0 (unlimited) or more (is {options.MaxConnections}).");
        Require(options.MaxConnectionsPerUser >= 0, $"{s}:MaxConnectionsPerUser must be 0 (unlimited) or more (is {options.MaxConnectionsPerUser}).");
        Require(options.HistorySize >= 0, $"{s}:HistorySize must be 0 or more (is {options.HistorySize}).");
        Require(options.HistorySize == 0, $"{s}:HistorySize > 0 (replay after reconnect) is not implemented yet; set it to 0.");
        Require(options.ReconnectDelay >= TimeSpan.Zero && options.ReconnectDelay.TotalMilliseconds <= int.MaxValue,
            $"{s}:ReconnectDelay must be between 0 and {int.MaxValue} ms (is {options.ReconnectDelay}).");
        Require(options.RefusedRetryAfter >= TimeSpan.FromSeconds(1), $"{s}:RefusedRetryAfter must be at least 1 second (is {options.RefusedRetryAfter}).");
        Require(options.SubscribeRetryInterval > TimeSpan.Zero, $"{s}:SubscribeRetryInterval must be positive (is {options.SubscribeRetryInterval}).");
        Require(options.EmptyEntityPassivation > TimeSpan.Zero, $"{s}:EmptyEntityPassivation must be positive (is {options.EmptyEntityPassivation}).");
        Require(options.ShutdownGrace >= TimeSpan.Zero, $"{s}:ShutdownGrace must not be negative (is {options.ShutdownGrace}).");
        Require(options.ShardCount >= 1, $"{s}:ShardCount must be at least 1 (is {options.ShardCount}).");

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
