namespace Sse.Actors.Settings.Validation;

/// <summary>The rules of <c>Sse:Limits</c>: every input limit and back-pressure bound has a floor.</summary>
internal static class LimitsRules
{
    private const string L = SseOptions.SectionName + ":Limits";

    public static void Check(SseLimitsOptions limits, Failures failures)
    {
        failures.Require(limits.MaxTopicsPerConnection >= 1, $"{L}:MaxTopicsPerConnection must be at least 1 (is {limits.MaxTopicsPerConnection}).");
        failures.Require(limits.MaxTopicLength >= 1, $"{L}:MaxTopicLength must be at least 1 (is {limits.MaxTopicLength}).");
        failures.Require(limits.MaxEventNameLength >= 1, $"{L}:MaxEventNameLength must be at least 1 (is {limits.MaxEventNameLength}).");
        failures.Require(limits.MaxEventDataBytes >= 1, $"{L}:MaxEventDataBytes must be at least 1 (is {limits.MaxEventDataBytes}).");
        failures.Require(limits.MaxSendBodyBytes >= 1, $"{L}:MaxSendBodyBytes must be at least 1 (is {limits.MaxSendBodyBytes}).");
        failures.Require(limits.MaxBatchSize >= 1, $"{L}:MaxBatchSize must be at least 1 (is {limits.MaxBatchSize}).");
        failures.Require(limits.MaxBatchBodyBytes >= 1, $"{L}:MaxBatchBodyBytes must be at least 1 (is {limits.MaxBatchBodyBytes}).");
        failures.Require(limits.MaxPendingPublishes >= 1, $"{L}:MaxPendingPublishes must be at least 1 (is {limits.MaxPendingPublishes}).");
        failures.Require(limits.MaxStreamBacklog >= 100, $"{L}:MaxStreamBacklog must be at least 100 (is {limits.MaxStreamBacklog}).");
        failures.Require(limits.MaxBrokerBacklog >= 100, $"{L}:MaxBrokerBacklog must be at least 100 (is {limits.MaxBrokerBacklog}).");
        failures.Require(limits.ConnectionAttemptsPerMinutePerIp >= 0,
            $"{L}:ConnectionAttemptsPerMinutePerIp must be 0 (no limit) or more (is {limits.ConnectionAttemptsPerMinutePerIp}).");
    }
}
