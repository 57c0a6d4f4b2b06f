using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;

namespace Sse.Tests.Http;

/// <summary>What a host logs, each event rendered with its properties, so a test can look for a leaked secret or a reason.</summary>
public sealed class CapturedLogs : ILogEventSink
{
    private readonly ConcurrentQueue<string> _lines = new();

    public void Emit(LogEvent logEvent) =>
        _lines.Enqueue(logEvent.RenderMessage() + " " + string.Join(" ", logEvent.Properties.Values) + " " + logEvent.Exception);

    public IReadOnlyCollection<string> Lines() => [.. _lines];
}
