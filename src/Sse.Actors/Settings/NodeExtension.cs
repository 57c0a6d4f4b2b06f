using Akka.Actor;

namespace Sse.Actors.Settings;

/// <summary>An actor system extension of the broker's node, which runs on the typed settings it was started with.</summary>
internal interface INodeExtension<out TSettings> : IExtension
{
    TSettings Settings { get; }
}

/// <summary>
/// How the node's extensions get their settings: from the validated options, given once as the broker starts
/// (<c>WithSseBroker</c>), never read from HOCON with a silent default. One used before it was started says so.
/// </summary>
internal static class NodeExtension
{
    /// <summary>Starts the extension on <paramref name="system"/>; starting it again with other settings is refused.</summary>
    public static T Start<T, TSettings>(ActorSystem system, TSettings settings, Func<ExtendedActorSystem, TSettings, T> create)
        where T : class, INodeExtension<TSettings>
    {
        var started = (T)system.RegisterExtension(new Provider<T, TSettings>(settings, create));
        return EqualityComparer<TSettings>.Default.Equals(started.Settings, settings)
            ? started
            : throw new InvalidOperationException(
                $"{typeof(T).Name} already runs on actor system '{system.Name}' with {started.Settings}, not {settings}: it is started once, by the broker.");
    }

    /// <summary>The extension <see cref="Start"/> started on <paramref name="system"/>.</summary>
    /// <exception cref="InvalidOperationException">It was not started: nothing gave it its settings.</exception>
    public static T Of<T>(ActorSystem system) where T : class, IExtension =>
        system.GetExtension<T>() ?? throw new InvalidOperationException(
            $"{typeof(T).Name} has no settings on actor system '{system.Name}': WithSseBroker starts it from the options ({typeof(T).Name}.Start) " +
            "before the broker's actors run, and an actor system without the broker that runs them must start it the same way.");

    // Akka.NET keys an extension by its type, so each start may carry its own settings.
    private sealed class Provider<T, TSettings>(TSettings settings, Func<ExtendedActorSystem, TSettings, T> create) : ExtensionIdProvider<T>
        where T : class, IExtension
    {
        public override T CreateExtension(ExtendedActorSystem system) => create(system, settings);
    }
}
