using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace Sse.Actors.Settings.Validation;

/// <summary>What the cluster's rules read in an address: seed nodes, management endpoints, host names, the actor system's name.</summary>
internal static partial class Addresses
{
    /// <summary>An Akka.NET address of a node of the actor system <paramref name="systemName"/>, with a host and a port.</summary>
    public static bool IsSeedAddress(string seed, string systemName)
    {
        try
        {
            var address = Akka.Actor.Address.Parse(seed);
            return address.System == systemName && address.Host is not null && address.Port is > 0;
        }
        catch (Exception e) when (e is UriFormatException or ArgumentException or FormatException)
        {
            return false;
        }
    }

    /// <summary>The host of a <c>host:port</c> management endpoint, else null.</summary>
    public static string? EndpointHost(string endpoint)
    {
        var parts = endpoint.Split(':');
        return parts.Length == 2 && parts[0].Length > 0 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var port) &&
            port is >= 1 and <= 65535
            ? parts[0]
            : null;
    }

    public static bool IsWildcard(string host) =>
        IPAddress.TryParse(host, out var address) && (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any));

    public static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));

    /// <summary>Akka.NET's rule for an actor system's name, checked here so that a bad one is named at start like any other option.</summary>
    public static bool IsActorSystemName(string? name) => name is not null && ActorSystemNameRule().IsMatch(name);

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9-]*$")]
    private static partial Regex ActorSystemNameRule();
}
