using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Akka.Actor;
using Akka.DependencyInjection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Sse.Actors.Http;
using Sse.Actors.Security;
using Sse.Tests.Docs.Samples.Embedding;
using Sse.Tests.Docs.Samples.Readme;
using Sse.Tests.Http;

namespace Sse.Tests.Docs;

/// <summary>The samples that show a whole set-up also work, not only compile.</summary>
[Trait("Category", TestCategories.Http)]
public sealed class SampleBehaviourTests
{
    [Fact]
    public async Task The_readme_embedding_program_streams_what_is_sent()
    {
        var started = new TaskCompletionSource<WebApplication>(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = Task.Factory.StartNew(
            () => EmbeddingProgram.Run(["--urls=http://127.0.0.1:0", "--environment=Development"],
                app => app.Lifetime.ApplicationStarted.Register(() => started.SetResult(app))),
            TaskCreationOptions.LongRunning);
        var app = await started.Task.WaitAsync(BrokerHost.FactTimeout);
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            using var client = new HttpClient { BaseAddress = new Uri(address), Timeout = Timeout.InfiniteTimeSpan };
            var userId = Guid.NewGuid().ToString();
            await using var stream = await SseStream.OpenAsync(client, BrokerHost.StreamPath(userId));
            await stream.WelcomeAsync();

            using var sent = await client.PostAsJsonAsync("/api/v1/sse/send", new { target_type = "user", user_id = userId, @event = "notification", data = "hello" });

            Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
            var received = await stream.NextEventAsync();
            Assert.Equal(("notification", "hello"), (received.EventType, received.Data));
        }
        finally
        {
            app.Lifetime.StopApplication();
            await run.WaitAsync(BrokerHost.FactTimeout);
        }
    }

    [Fact]
    public async Task The_readme_order_actor_pushes_to_the_customer()
    {
        await using var host = await BrokerHost.StartAsync();
        var customerId = $"auth0|{Guid.NewGuid():N}";
        await using var stream = await host.ConnectAsync(customerId);
        var orders = host.ActorSystem.ActorOf(DependencyResolver.For(host.ActorSystem).Props<OrderActor>());

        var shipped = new OrderShipped(Guid.NewGuid(), customerId);
        orders.Tell(shipped);

        var received = await stream.NextEventAsync();
        Assert.Equal("order-shipped", received.EventType);
        Assert.Equal(shipped, JsonSerializer.Deserialize<OrderShipped>(received.Data));
    }

    [Fact]
    public async Task The_custom_identity_samples_replace_the_defaults()
    {
        await using var host = await BrokerHost.StartAsync(configure: builder =>
        {
            builder.Services.AddSingleton<ISseAuthenticator, GatewayHeaderAuthenticator>();
            builder.Services.AddSingleton<ISseTopicResolver, AnnouncementsTopicResolver>();
            builder.Services.AddSingleton<ISseTopicAuthorizer, OwnTopicsAuthorizer>();
        });
        var userId = Guid.NewGuid().ToString();
        host.Client.DefaultRequestHeaders.Add("X-User-Id", userId);

        using var otherTopic = await host.Client.GetAsync("/api/v1/sse/stream?topics=news");
        await using var stream = await SseStream.OpenAsync(host.Client, $"/api/v1/sse/stream?topics=user:{userId}:orders");
        await stream.WelcomeAsync();
        await host.Broker.SendToTopicAsync("announcements", "announcement", "to everyone listening");
        await host.Broker.SendToTopicAsync($"user:{userId}:orders", "order", "yours");

        Assert.Equal(HttpStatusCode.Forbidden, otherTopic.StatusCode);
        // Two topics are two entities: no order between them.
        string[] received = [(await stream.NextEventAsync()).Data, (await stream.NextEventAsync()).Data];
        Assert.Equal(["to everyone listening", "yours"], received.Order(StringComparer.Ordinal));
    }
}
