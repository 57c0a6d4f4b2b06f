namespace Sse.Actors.Settings;

/// <summary>The <c>/metrics</c> scrape endpoint of <c>MapSseMetrics</c> (<c>Sse:Metrics</c> section).</summary>
public sealed class SseMetricsOptions
{
    /// <summary>
    /// Hosts the endpoint answers on, as for <c>RequireHost</c>: <c>*:9464</c> (any host name on
    /// port 9464, which the app must also listen on) or <c>metrics.internal</c>. Empty: every host.
    /// </summary>
    public string[] Hosts { get; set; } = [];
}
