using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;
using Akka.Hosting.Logging;
using Microsoft.Extensions.Logging;
using AkkaLogLevel = Akka.Event.LogLevel;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Sse.Actors.Diagnostics;

/// <summary>
/// An Akka.NET logger that writes every line to the app's <see cref="ILoggerFactory"/> under a category named for its
/// source: the logging class (<c>Akka.Cluster.ClusterCoreDaemon</c>, <c>Sse.Actors.Clients.ClientActor</c>), or, for the
/// parts of Akka.NET that log under a name rather than a class (cluster membership, remoting, downing), that name
/// (<c>Akka.Cluster</c>). Akka.Hosting's own <c>AddLoggerFactory()</c> logs everything as <c>Akka.Actor.ActorSystem</c>.
/// Add it to your own actor system with <c>.ConfigureLoggers(loggers => loggers.AddLogger&lt;AkkaLogForwarder&gt;())</c>.
/// </summary>
public sealed class AkkaLogForwarder : ActorBase, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    private static readonly Type NamedSource = typeof(DummyClassForStringSources);

    private readonly ILoggerFactory _factory;
    private readonly Dictionary<string, ILogger> _loggers = new(StringComparer.Ordinal);

    public AkkaLogForwarder()
    {
        // Akka.Hosting adds the host's logger factory to every actor system it starts.
        _factory = Context.System.Settings.Setup.Get<LoggerFactorySetup>().Value?.LoggerFactory
            ?? throw new InvalidOperationException($"{nameof(AkkaLogForwarder)} needs an actor system started by Akka.Hosting's AddAkka, which provides the logger factory.");
    }

    /// <summary>
    /// The category of a line: its class, or the name it was logged under when it has none. Akka.NET's own names are single
    /// words (<c>Cluster (akka://sse)</c>, <c>remoting</c>): they become <c>Akka.Cluster</c>, <c>Akka.remoting</c>, so that one
    /// <c>Akka</c> filter rule covers all of Akka.NET; a dotted name (<c>MyApp.Orders</c>) is kept as it is.
    /// </summary>
    public static string CategoryOf(LogEvent line)
    {
        if (line.LogClass is not null && line.LogClass != NamedSource && line.LogClass.FullName is { } className)
        {
            return className;
        }
        var name = line.LogSource ?? "";
        // A name is logged with the actor system it belongs to: "Cluster (akka://sse)".
        var system = name.IndexOf(" (akka", StringComparison.Ordinal);
        if (system > 0 && name.EndsWith(')'))
        {
            name = name[..system];
        }
        return name.Contains('.', StringComparison.Ordinal) ? name : $"Akka.{name}";
    }

    /// <summary>
    /// The level Akka.NET itself filters at: the most detailed one the app's logging enables for <c>Akka</c> or <c>Sse.Actors</c>,
    /// so that <c>Logging:LogLevel:Akka=Debug</c> (or Serilog's override) is the one switch, and nothing more detailed is even made.
    /// </summary>
    public static AkkaLogLevel LevelFor(ILoggerFactory factory)
    {
        ILogger[] loggers = [factory.CreateLogger("Akka"), factory.CreateLogger("Sse.Actors")];
        bool Enabled(LogLevel level) => loggers.Any(logger => logger.IsEnabled(level));
        return Enabled(LogLevel.Debug) ? AkkaLogLevel.DebugLevel
            : Enabled(LogLevel.Information) ? AkkaLogLevel.InfoLevel
            : Enabled(LogLevel.Warning) ? AkkaLogLevel.WarningLevel
            : AkkaLogLevel.ErrorLevel;
    }

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case InitializeLogger:
                Sender.Tell(new LoggerInitialized());
                return true;
            case LogEvent line:
                Write(line);
                return true;
            default:
                return false;
        }
    }

    private void Write(LogEvent line)
    {
        var category = CategoryOf(line);
        if (!_loggers.TryGetValue(category, out var logger))
        {
            _loggers[category] = logger = _factory.CreateLogger(category);
        }
        var level = line.LogLevel() switch
        {
            AkkaLogLevel.DebugLevel => LogLevel.Debug,
            AkkaLogLevel.InfoLevel => LogLevel.Information,
            AkkaLogLevel.WarningLevel => LogLevel.Warning,
            _ => LogLevel.Error,
        };
        if (!logger.IsEnabled(level))
        {
            return;
        }
        var text = Format(line);
        // Structured as MEL's own message templates are: the template's properties, then the template, which providers
        // such as Serilog's render from. Akka.NET's own positional templates ("{0}") are not given: a provider may bind them
        // in the properties' order, which is not theirs. The text is always the formatted message.
        List<KeyValuePair<string, object?>> state = [new("LogSource", line.LogSource)];
        if (line.TryGetProperties(out var properties) && properties is not null)
        {
            state.AddRange(properties.Select(property => new KeyValuePair<string, object?>(property.Key, property.Value)));
            if (!properties.Keys.Any(key => key.Length > 0 && char.IsAsciiDigit(key[0])))
            {
                state.Add(new("{OriginalFormat}", line.GetTemplate()));
            }
        }
        logger.Log(level, default, state, line.Cause, (_, _) => text);
    }

    // The message alone: level, time, thread and source are the logger's to show. A template whose arguments do not match
    // would throw; the line is still worth having.
    private static string Format(LogEvent line)
    {
        try
        {
            return line.Message?.ToString() ?? "";
        }
        catch (FormatException)
        {
            return $"{line.GetTemplate()} (arguments: {string.Join(", ", line.GetParameters())})";
        }
    }
}
