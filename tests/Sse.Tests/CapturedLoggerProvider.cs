using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Sse.Tests;

/// <summary>What a host logs through Microsoft.Extensions.Logging, every level, for a test to look for a line.</summary>
internal sealed class CapturedLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogLine> _lines = new();

    public IReadOnlyList<LogLine> All() => [.. _lines];

    public IReadOnlyList<LogLine> From(string category) => [.. _lines.Where(line => line.Category == category)];

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(string category, ConcurrentQueue<LogLine> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(new LogLine(category, logLevel, formatter(state, exception)));
    }
}

internal sealed record LogLine(string Category, LogLevel Level, string Message);
