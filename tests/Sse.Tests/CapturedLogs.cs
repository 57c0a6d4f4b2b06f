using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;

namespace Sse.Tests;

/// <summary>A Serilog sink that keeps what a host logs, rendered with its properties, for a test to look for a line.</summary>
internal sealed class CapturedLogs : ILogEventSink
{
    private readonly ConcurrentQueue<string> _lines = new();

    public void Emit(LogEvent logEvent) =>
        _lines.Enqueue(logEvent.RenderMessage() + " " + string.Join(" ", logEvent.Properties.Values) + " " + logEvent.Exception);

    public IReadOnlyCollection<string> Lines() => [.. _lines];
}
