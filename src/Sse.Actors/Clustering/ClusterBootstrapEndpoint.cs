using System.Collections.Immutable;
using System.Net;
using Akka.Actor;
using Akka.Cluster;
using Akka.Management.Cluster.Bootstrap.ContactPoint;
using Akka.Management.Dsl;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Newtonsoft.Json;
using Sse.Actors.Settings;
using Akka.Management.Cluster.Bootstrap;

namespace Sse.Actors.Clustering;

/// <summary>
/// With <c>Sse:Cluster:Bootstrap</c>: the node's management endpoint, which the other nodes' bootstrap probes
/// (<c>GET /bootstrap/seed-nodes</c>: this node and the members it sees), then Akka.Management's cluster bootstrap itself.
/// The endpoint is a small Kestrel server of its own on <c>Sse:Cluster:Hostname</c> and the management port, as
/// Akka.Management's would be; that one (Akka.Http.Shim 1.5.73) needs Ceen.Httpd 0.9.9, and cannot bind with the 0.9.10 the
/// package source has (MissingMethodException). The answer is the package's own JSON types, so the probes read it as theirs.
/// </summary>
internal sealed class ClusterBootstrapEndpoint(IServiceProvider services, IOptions<SseOptions> options) : IHostedService, IAsyncDisposable
{
    public const string SeedNodesPath = "/bootstrap/seed-nodes";

    private WebApplication? _server;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var cluster = options.Value.Cluster;
        if (!cluster.Bootstrap.Enabled)
        {
            return;
        }
        var system = services.GetRequiredService<ActorSystem>();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
            kestrel.Listen(ListenAddress(cluster.Hostname), cluster.Bootstrap.ManagementPort));
        builder.Services.AddRoutingCore();
        _server = builder.Build();
        _server.UseRouting();
        _server.MapGet(SeedNodesPath, () => Results.Content(SeedNodes(Cluster.Get(system)), "application/json"));
        await _server.StartAsync(cancellationToken);

        var bootstrap = ClusterBootstrap.Get(system);
        // Tells bootstrap its own contact point (what Akka.Management does when it binds), so it recognises itself among those discovered.
        bootstrap.Routes(ManagementRouteProviderSettings.Create(
            new Uri($"http://{cluster.EffectiveManagementHostname}:{cluster.Bootstrap.ManagementPort}/"), readOnly: true));
        await bootstrap.Start();
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is not null)
        {
            await _server.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>What Akka.Management's bootstrap route answers: this node, and the members that could seed a joining node.</summary>
    internal static string SeedNodes(Cluster cluster)
    {
        var self = cluster.SelfMember;
        if (self.Status is MemberStatus.Down or MemberStatus.Exiting or MemberStatus.Leaving or MemberStatus.Removed)
        {
            return JsonConvert.SerializeObject(new HttpBootstrapJsonProtocol.SeedNodes(self.Address, []));
        }
        var state = cluster.State;
        var members = state.Members
            .Where(member => !state.Unreachable.Contains(member) && member.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Joining)
            .Select(member => new HttpBootstrapJsonProtocol.ClusterMember(member.Address, member.UniqueAddress.Uid, member.Status, member.Roles))
            .ToImmutableList();
        return JsonConvert.SerializeObject(new HttpBootstrapJsonProtocol.SeedNodes(self.Address, members));
    }

    private static IPAddress ListenAddress(string hostname) =>
        IPAddress.TryParse(hostname, out var address) ? address
        : string.Equals(hostname, "localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback
        : IPAddress.Any;
}
