// The README's samples. Lines marked "scaffold" make them compile and are left out of the docs.
using System.Text.Json; // scaffold
using Akka.Actor; // scaffold
using Akka.Event; // scaffold
using Akka.Hosting; // scaffold
using Microsoft.AspNetCore.Builder; // scaffold (implicit in a web project)
using Sse.Actors.Api; // scaffold
using Sse.Actors.Broker; // scaffold
using Sse.Actors.Hosting;
using Sse.Actors.Http;

namespace Sse.Tests.Docs.Samples.Readme; // scaffold

public static class EmbeddingProgram // scaffold
{ // scaffold
    public static void Run(string[] args, Action<WebApplication>? onBuilt = null) // scaffold
    { // scaffold
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddSseBroker(builder.Configuration);   // options from the "Sse" section
        builder.Services.AddSseMetrics();                        // a Prometheus exporter (optional, for MapSseMetrics)
        var app = builder.Build();
        onBuilt?.Invoke(app); // scaffold
        app.UseCors();                                           // Sse:AllowedOrigins (the endpoints need it)
        app.UseRateLimiter();                                    // Sse:Limits:ConnectionAttemptsPerMinutePerIp
        app.MapSseBroker();                                      // /api/v1/sse/stream, /send, /send/batch, /stats
        app.MapSseHealthChecks();                                // /healthz, /readyz (optional)
        app.MapSseMetrics();                                     // /metrics for Prometheus (optional)
        app.Run();
    } // scaffold
} // scaffold

public sealed record Notification(Guid Id, string RecipientId, string Title, string Content);

public interface INotificationRepository
{
    Task CreateAsync(Notification notification, CancellationToken ct);
}

public sealed class NotificationService(INotificationRepository repository, ISseBroker sse)
{
    public async Task SendNotificationAsync(Notification notification, CancellationToken ct)
    {
        await repository.CreateAsync(notification, ct);                    // 1. store it
        var data = JsonSerializer.Serialize(notification);
        await sse.SendToUserAsync(notification.RecipientId, "notification", data, ct); // 2. push it
    }
}

public sealed record OrderShipped(Guid OrderId, string CustomerId);

public sealed class OrderActor : ReceiveActor
{
    public OrderActor(IRequiredActor<BrokerActor> broker)
    {
        var log = Context.GetLogger();
        Receive<OrderShipped>(order => broker.ActorRef.Tell(
            new BrokerCommands.SendToUser(order.CustomerId, "order-shipped", JsonSerializer.Serialize(order))));
        // The broker answers an actor sender: the event's id, why nothing was sent, or that its stream did not answer in time.
        Receive<BrokerCommands.PublishAccepted>(_ => { });
        Receive<BrokerCommands.PublishRejected>(rejected => log.Warning("Order event not pushed: {0}", rejected.Reason));
        Receive<BrokerCommands.PublishOutcomeUnknown>(unknown => log.Warning("Order event maybe pushed: {0}", unknown.Reason));
    }
}
