using System.Text.RegularExpressions;
using Serilog.Core;
using Serilog.Events;

namespace Sse.Actors.Security;

/// <summary>
/// Keeps bearer tokens and stream tickets out of the logs: an <c>EventSource</c> passes its token or ticket in the query
/// string, which ASP.NET Core's request logging would otherwise write. Add it with
/// <c>.Enrich.With(new TokenRedactingEnricher(configuration["Sse:Auth:Jwt:TokenQueryParameter"]))</c>
/// (or <c>.Enrich.With&lt;TokenRedactingEnricher&gt;()</c> for the default names).
/// </summary>
public sealed class TokenRedactingEnricher : ILogEventEnricher
{
    private readonly Regex _parameters;

    /// <summary>Redacts <c>token=</c>, <c>access_token=</c> and <c>ticket=</c>.</summary>
    public TokenRedactingEnricher()
        : this(null)
    {
    }

    /// <summary>Redacts <c>token=</c>, <c>access_token=</c>, <c>ticket=</c> and the configured query parameter, if another.</summary>
    public TokenRedactingEnricher(string? tokenQueryParameter)
    {
        string[] names = ["token", "access_token", Tickets.StreamTickets.QueryParameter, .. string.IsNullOrWhiteSpace(tokenQueryParameter) ? [] : new[] { tokenQueryParameter }];
        // A name only at the start of a parameter: "?token=", "&token=", or a bare "token=" in a message.
        _parameters = new Regex($"(?<![A-Za-z0-9_.-])({string.Join('|', names.Distinct(StringComparer.OrdinalIgnoreCase).Select(Regex.Escape))})=[^&\\s]*",
            RegexOptions.IgnoreCase | RegexOptions.Compiled | RegexOptions.CultureInvariant);
    }

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        foreach (var (name, value) in logEvent.Properties.ToArray())
        {
            if (value is ScalarValue { Value: string text } && text.Contains('=') && _parameters.IsMatch(text))
            {
                logEvent.AddOrUpdateProperty(new LogEventProperty(name, new ScalarValue(_parameters.Replace(text, "$1=[redacted]"))));
            }
        }
    }
}
