namespace Sse.Actors.Settings.Validation;

/// <summary>The rules of the <c>Sse</c> section's own options: streams, connections, entities and the node.</summary>
internal static class CoreRules
{
    private const string S = SseOptions.SectionName;
    private static readonly TimeSpan ProductionMinimumHeartbeat = TimeSpan.FromSeconds(5);

    public static void Check(SseOptions options, bool isDevelopment, Failures failures)
    {
        failures.Require(options.ClientBufferSize >= 1, $"{S}:ClientBufferSize must be at least 1 (is {options.ClientBufferSize}).");
        failures.Require(options.HeartbeatInterval > TimeSpan.Zero, $"{S}:HeartbeatInterval must be positive (is {options.HeartbeatInterval}).");
        failures.Require(isDevelopment || options.HeartbeatInterval >= ProductionMinimumHeartbeat,
            $"{S}:HeartbeatInterval must be at least {ProductionMinimumHeartbeat} outside Development (is {options.HeartbeatInterval}).");
        failures.Require(options.ClientTimeout >= 2 * options.HeartbeatInterval,
            $"{S}:ClientTimeout must be at least twice {S}:HeartbeatInterval (is {options.ClientTimeout}, heartbeat {options.HeartbeatInterval}).");
        failures.Require(options.MaxConnections >= 0, $"{S}:MaxConnections must be 0 (unlimited) or more (is {options.MaxConnections}).");
        failures.Require(options.MaxConnectionsPerUser >= 0, $"{S}:MaxConnectionsPerUser must be 0 (unlimited) or more (is {options.MaxConnectionsPerUser}).");
        failures.Require(options.HistorySize is >= 0 and <= SseOptions.MaxHistorySize,
            $"{S}:HistorySize must be between 0 (no replay) and {SseOptions.MaxHistorySize} (is {options.HistorySize}).");
        failures.Require(options.ReconnectDelay >= TimeSpan.Zero && options.ReconnectDelay.TotalMilliseconds <= int.MaxValue,
            $"{S}:ReconnectDelay must be between 0 and {int.MaxValue} ms (is {options.ReconnectDelay}).");
        failures.Require(options.ReconnectDelayMax is not { } longest || (longest >= options.ReconnectDelay && longest.TotalMilliseconds <= int.MaxValue),
            $"{S}:ReconnectDelayMax must be between {S}:ReconnectDelay ({options.ReconnectDelay}) and {int.MaxValue} ms (is {options.ReconnectDelayMax}).");
        failures.Require(options.RefusedRetryAfter >= TimeSpan.FromSeconds(1), $"{S}:RefusedRetryAfter must be at least 1 second (is {options.RefusedRetryAfter}).");
        failures.Require(options.PublishTimeout > TimeSpan.Zero && options.PublishTimeout <= TimeSpan.FromMinutes(5),
            $"{S}:PublishTimeout must be above 0 and at most 5 minutes (is {options.PublishTimeout}).");
        failures.RequireWait(options.ConnectTimeout, $"{S}:ConnectTimeout", TimeSpan.FromMinutes(5));
        failures.RequireWait(options.AdmissionTimeout, $"{S}:AdmissionTimeout", TimeSpan.FromMinutes(5));
        failures.Require(options.SubscribeRetryInterval > TimeSpan.Zero, $"{S}:SubscribeRetryInterval must be positive (is {options.SubscribeRetryInterval}).");
        failures.Require(options.EmptyEntityPassivation > TimeSpan.Zero, $"{S}:EmptyEntityPassivation must be positive (is {options.EmptyEntityPassivation}).");
        failures.Require(options.HistorySize == 0 || options.HistoryRetention >= options.EmptyEntityPassivation,
            $"{S}:HistoryRetention must be at least {S}:EmptyEntityPassivation (is {options.HistoryRetention}, passivation {options.EmptyEntityPassivation}).");
        failures.Require(options.ShutdownGrace >= TimeSpan.Zero, $"{S}:ShutdownGrace must not be negative (is {options.ShutdownGrace}).");
        failures.Require(options.ShardCount >= 1, $"{S}:ShardCount must be at least 1 (is {options.ShardCount}).");
        failures.Require(options.FanOutPartitions is >= 0 and <= 1024, $"{S}:FanOutPartitions must be between 0 (one per core) and 1024 (is {options.FanOutPartitions}).");
        failures.Require(Addresses.IsActorSystemName(options.ActorSystemName),
            $"{S}:ActorSystemName must be ASCII letters, digits and '-', starting with a letter or digit (Akka.NET's rule; is '{options.ActorSystemName}').");
    }
}
