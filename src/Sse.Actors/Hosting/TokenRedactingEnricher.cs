using System.Text.RegularExpressions;
using Serilog.Core;
using Serilog.Events;

namespace Sse.Actors.Hosting;

/// <summary>
/// Keeps bearer tokens out of the logs: an <c>EventSource</c> passes its token in the query
/// string, which ASP.NET Core's request logging would otherwise write. Add it with
/// <c>.Enrich.With&lt;TokenRedactingEnricher&gt;()</c>.
/// </summary>
public sealed partial class TokenRedactingEnricher : ILogEventEnricher
{
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        foreach (var (name, value) in logEvent.Properties.ToArray())
        {
            if (value is ScalarValue { Value: string text } && text.Contains("token=", StringComparison.OrdinalIgnoreCase))
            {
                logEvent.AddOrUpdateProperty(new LogEventProperty(name, new ScalarValue(TokenParameter().Replace(text, "$1=[redacted]"))));
            }
        }
    }

    [GeneratedRegex("((?:access_)?token)=[^&\\s]*", RegexOptions.IgnoreCase)]
    private static partial Regex TokenParameter();
}
