using Microsoft.Extensions.Logging;
using Sse.Actors.Http;

namespace Sse.Actors.Diagnostics;

/// <summary>
/// Logs refused stream requests and sends without flooding the log exactly when a node is overloaded or a client
/// misbehaves: each refusal is a Debug line with its detail; at Information the first one after a quiet
/// <see cref="Interval"/> is written, then one summary per interval counts the rest by reason (the reasons of
/// <c>sse_client_refused_total</c> and <c>sse_send_errors_total</c>, which count every one).
/// </summary>
public sealed class SseRefusalLog : IDisposable
{
    /// <summary>How often at most a summary of refusals is written, for streams and for sends.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private readonly ILogger _streams;
    private readonly ILogger _sends;
    private readonly LogSummary _streamSummary;
    private readonly LogSummary _sendSummary;

    public SseRefusalLog(ILoggerFactory loggers)
        : this(loggers, TimeProvider.System)
    {
    }

    internal SseRefusalLog(ILoggerFactory loggers, TimeProvider time)
    {
        _streams = loggers.CreateLogger<StreamEndpoint>();
        _sends = loggers.CreateLogger<SendEndpoint>();
        _streamSummary = new LogSummary(Interval, report => Write(_streams, "Stream refused", "stream requests refused", report), time);
        _sendSummary = new LogSummary(Interval, report => Write(_sends, "Publisher request refused", "publisher requests refused", report), time);
    }

    /// <param name="reason">The <c>reason</c> of <c>sse_client_refused_total</c>.</param>
    internal void StreamRefused(string reason, string detail)
    {
        _streams.LogDebug("Stream refused ({Reason}): {Detail}", reason, detail);
        _streamSummary.Add(reason, detail);
    }

    /// <summary>A refused <c>/send</c>, <c>/send/batch</c> message, or a publisher credential refused (also on <c>/stats</c>).</summary>
    /// <param name="reason">The <c>reason</c> of <c>sse_send_errors_total</c>.</param>
    internal void PublisherRefused(string reason, string detail)
    {
        _sends.LogDebug("Publisher request refused ({Reason}): {Detail}", reason, detail);
        _sendSummary.Add(reason, detail);
    }

    private static void Write(ILogger logger, string one, string many, LogSummary.Report report)
    {
        if (report.Window is not { } window)
        {
            logger.LogInformation("{Refused} ({Reason}): {Detail} (more within {Interval} are summed up in one line)", one, report.ByReason[0].Key, report.Example, Interval);
            return;
        }
        logger.LogInformation("{Count} {Refused} in the last {Window} ({Reasons}); the first: {Detail}", report.Count, many, window, report.Reasons, report.Example);
    }

    public void Dispose()
    {
        _streamSummary.Dispose();
        _sendSummary.Dispose();
    }
}
