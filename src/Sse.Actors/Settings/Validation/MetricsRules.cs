namespace Sse.Actors.Settings.Validation;

/// <summary>The rules of <c>Sse:Metrics</c>.</summary>
internal static class MetricsRules
{
    public static void Check(SseMetricsOptions metrics, Failures failures)
    {
        foreach (var host in metrics.Hosts)
        {
            failures.Require(!string.IsNullOrWhiteSpace(host), $"{SseOptions.SectionName}:Metrics:Hosts must not hold an empty entry.");
        }
    }
}
