// docs/embedding.md. Lines marked "scaffold" make the samples compile and are left out of the docs.
using Akka.Actor; // scaffold
using Akka.Cluster.Hosting; // scaffold
using Akka.Hosting; // scaffold
using Akka.Remote.Hosting; // scaffold
using Microsoft.AspNetCore.Authentication.Cookies; // scaffold
using Microsoft.AspNetCore.Builder; // scaffold
using Microsoft.AspNetCore.Http; // scaffold
using Microsoft.Extensions.DependencyInjection; // scaffold
using Sse.Actors.Api; // scaffold
using Sse.Actors.Broker; // scaffold
using Sse.Actors.Events; // scaffold
using Sse.Actors.Hosting; // scaffold
using Sse.Actors.Http; // scaffold
using Sse.Actors.Security; // scaffold
using Sse.Tests.Docs.Samples.Readme; // scaffold

namespace Sse.Tests.Docs.Samples.Embedding; // scaffold

public static class MapOptions // scaffold
{ // scaffold
    public static void Map(WebApplication app) // scaffold
    { // scaffold
        var sse = app.MapSseBroker("/realtime");           // /realtime/stream, /realtime/send, /realtime/send/batch, /realtime/stats
        sse.WithTags("Server-Sent Events");                 // the group takes the usual endpoint conventions
        app.MapSseHealthChecks("/health/live", "/health/ready");
        app.MapSseMetrics("/internal/metrics").RequireHost("*:9464");
    } // scaffold
} // scaffold

public static class CookieUsers // scaffold
{ // scaffold
    public static void Add(WebApplicationBuilder builder) // scaffold
    { // scaffold
        // Your sign-in puts the user's id (any id string, such as the identity provider's) in the claim Sse:Auth:UserIdClaim names ("sub" by default).
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie();
        builder.Services.AddSseBroker(builder.Configuration);   // with Sse:Auth:Mode=User
    } // scaffold
} // scaffold

/// <summary>Trusts the user id your gateway sets in X-User-Id after it authenticated the request.</summary>
public sealed class GatewayHeaderAuthenticator : ISseAuthenticator
{
    public ValueTask<SseAuthenticationResult> AuthenticateAsync(HttpContext context) =>
        ValueTask.FromResult(SseIds.TryUserId(context.Request.Headers["X-User-Id"], out var userId, out var problem)
            ? SseAuthenticationResult.Success(new SseIdentity(userId, TenantId: null))
            : SseAuthenticationResult.Fail($"X-User-Id {problem}"));
}

/// <summary>Every stream listens to "announcements" (of its tenant), plus the topics its query asks for.</summary>
public sealed class AnnouncementsTopicResolver : ISseTopicResolver
{
    private readonly QueryStringTopicResolver _query = new();

    public IReadOnlyList<string> ResolveTopics(HttpContext context, SseIdentity identity) =>
        [.. _query.ResolveTopics(context, identity).Append("announcements").Distinct()];
}

/// <summary>A user may subscribe to "announcements" and to their own "user:{id}:..." topics, nothing else.</summary>
public sealed class OwnTopicsAuthorizer : ISseTopicAuthorizer
{
    public ValueTask<bool> IsAllowedAsync(HttpContext context, SseIdentity identity, string topic) =>
        ValueTask.FromResult(topic == "announcements" || topic.StartsWith($"user:{identity.UserId}:", StringComparison.Ordinal));
}

public static class CustomIdentity // scaffold
{ // scaffold
    public static void Add(WebApplicationBuilder builder) // scaffold
    { // scaffold
        builder.Services.AddSseBroker(builder.Configuration);
        // Registered after AddSseBroker, so they replace its defaults.
        builder.Services.AddSingleton<ISseAuthenticator, GatewayHeaderAuthenticator>();
        builder.Services.AddSingleton<ISseTopicResolver, AnnouncementsTopicResolver>();
        builder.Services.AddSingleton<ISseTopicAuthorizer, OwnTopicsAuthorizer>();
    } // scaffold
} // scaffold

public sealed class ApprovalNotifier(ISseBroker sse)
{
    // Reaches the streams of this tenant subscribed to "approval:pending", no other tenant's.
    public Task TaskCreatedAsync(string tenantId, string taskJson, CancellationToken ct) =>
        sse.SendToTenantTopicAsync(tenantId, "approval:pending", "task", taskJson, ct);

    public Task MaintenanceAsync(CancellationToken ct) =>
        sse.BroadcastAsync("announcement", """{"message":"maintenance at noon"}""", ct);

    // Online: the open page shows it. Offline: send an e-mail instead.
    public async Task<bool> ShouldEmailAsync(string userId, CancellationToken ct) =>
        !await sse.IsUserOnlineAsync(userId, ct);
}

public static class OwnActorSystem // scaffold
{ // scaffold
    public static void Add(WebApplicationBuilder builder) // scaffold
    { // scaffold
        builder.Services.AddSseBrokerServices(builder.Configuration);   // the broker's services, options from "Sse"
        builder.Services.AddAkka("shop", (akka, services) => akka
            .WithRemoting(new RemoteOptions { HostName = "0.0.0.0", PublicHostName = "shop-1.internal", Port = 4053 })
            .WithClustering(new ClusterOptions { Roles = ["shop"], SeedNodes = ["akka.tcp://shop@shop-1.internal:4053"] })
            .WithSseBroker(services)                                      // after WithClustering
            .WithActors((system, registry, resolver) =>
                registry.Register<OrderActor>(system.ActorOf(resolver.Props<OrderActor>(), "orders"))));
        var app = builder.Build();
        app.UseCors();
        app.MapSseBroker();
    } // scaffold
} // scaffold

public static class OwnActors // scaffold
{ // scaffold
    public static void Add(WebApplicationBuilder builder) // scaffold
    { // scaffold
        builder.Services.AddSseBroker(builder.Configuration, (akka, services) => akka
            .WithActors((system, registry, resolver) =>
                registry.Register<OrderActor>(system.ActorOf(resolver.Props<OrderActor>(), "orders"))));
    } // scaffold
} // scaffold

public sealed class NewsDesk(IRequiredActor<BrokerActor> broker)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    // Ask instead of Tell when the caller needs to know whether the event was accepted.
    public async Task<string> PublishHeadlineAsync(string json)
    {
        var reply = await broker.ActorRef.Ask<object>(new BrokerCommands.SendToTopic("news", "headline", json), Timeout);
        return reply switch
        {
            BrokerCommands.PublishAccepted accepted => accepted.EventId,
            // Recorded just before the deadline or not at all, never after: a retry with a message id is safe.
            BrokerCommands.PublishOutcomeUnknown unknown => throw new TimeoutException(unknown.Reason),
            _ => throw new InvalidOperationException(((BrokerCommands.PublishRejected)reply).Reason),
        };
    }

    public Task<SseStats> StatsAsync() => broker.ActorRef.Ask<SseStats>(BrokerQueries.GetStats.Instance, Timeout);
}
