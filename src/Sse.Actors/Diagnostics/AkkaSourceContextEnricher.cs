using Akka.Event;
using Serilog.Core;
using LogEvent = Serilog.Events.LogEvent;
using Serilog.Events;

namespace Sse.Actors.Diagnostics;

/// <summary>
/// Names the real source of an Akka.NET log line. Akka.Logger.Serilog writes the logging class as <c>SourceContext</c>,
/// and Akka.NET's parts that log under a name rather than a class (cluster membership, remoting, downing) all share
/// the marker class <see cref="DummyClassForStringSources"/>; their name is in <c>LogSource</c>, which this puts in its
/// place. Add it with <c>.Enrich.With&lt;AkkaSourceContextEnricher&gt;()</c>; level overrides such as
/// <c>Serilog:MinimumLevel:Override:Akka</c> still apply, as they are decided before enrichers run.
/// </summary>
public sealed class AkkaSourceContextEnricher : ILogEventEnricher
{
    private static readonly string Marker = typeof(DummyClassForStringSources).FullName!;

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        if (logEvent.Properties.TryGetValue(Constants.SourceContextPropertyName, out var context)
            && context is ScalarValue { Value: string name } && name == Marker
            && logEvent.Properties.TryGetValue("LogSource", out var source) && source is ScalarValue { Value: string { Length: > 0 } real })
        {
            logEvent.AddOrUpdateProperty(new LogEventProperty(Constants.SourceContextPropertyName, new ScalarValue(real)));
        }
    }
}
