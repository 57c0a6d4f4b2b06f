using System.Buffers;
using System.Globalization;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sse.Actors.Broker;
using Sse.Actors.Clients;
using Sse.Actors.Events;
using Sse.Actors.Hosting;
using static Sse.Actors.Broker.BrokerConnections;

namespace Sse.Actors.Http;

/// <summary>
/// <c>GET /stream</c>: authenticates, asks the node's broker for a client actor, and pumps that
/// client's buffer into the response — everything queued is written, then flushed once.
/// </summary>
public sealed class StreamEndpoint(
    IRequiredActor<BrokerActor> broker,
    ISseAuthenticator authenticator,
    ISseTopicResolver topicResolver,
    ISseTopicAuthorizer topicAuthorizer,
    IOptions<SseOptions> options,
    ILogger<StreamEndpoint> logger)
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    public async Task HandleAsync(HttpContext context)
    {
        var settings = options.Value;
        var authentication = await authenticator.AuthenticateAsync(context);
        if (authentication.Identity is not { } identity)
        {
            logger.LogInformation("Stream refused (401): {Reason}", authentication.FailureReason);
            await SseJson.WriteErrorAsync(context, StatusCodes.Status401Unauthorized, authentication.FailureReason ?? "authentication failed");
            return;
        }
        if (TopicProblem(context, identity, settings, out var topics) is { } problem)
        {
            logger.LogInformation("Stream refused (400): {Reason}", problem);
            await SseJson.WriteErrorAsync(context, StatusCodes.Status400BadRequest, problem);
            return;
        }
        foreach (var topic in topics)
        {
            if (!await topicAuthorizer.IsAllowedAsync(context, identity, topic))
            {
                logger.LogInformation("Stream refused (403): user {UserId} may not subscribe to topic {Topic}", identity.UserId, topic);
                await SseJson.WriteErrorAsync(context, StatusCodes.Status403Forbidden, $"subscribing to topic '{topic}' is not allowed (Sse:Auth:AllowedTopics)");
                return;
            }
        }

        var connection = new ClientConnection(identity.UserId, identity.TenantId, topics, settings.ClientBufferSize);
        try
        {
            var result = await broker.ActorRef.Ask<ConnectResult>(new Connect(connection), ConnectTimeout);
            if (result is Refused refused)
            {
                var status = refused.Reason == RefusalReason.UserLimit ? StatusCodes.Status429TooManyRequests : StatusCodes.Status503ServiceUnavailable;
                context.Response.Headers.RetryAfter = ((int)Math.Ceiling(settings.RefusedRetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await SseJson.WriteErrorAsync(context, status, refused.Message);
                return;
            }
            logger.LogInformation("Stream {ClientId} opened for user {UserId} with {TopicCount} topics", connection.ClientId, identity.UserId, topics.Count);
            await StartStreamAsync(context);
            await PumpAsync(context, connection);
            logger.LogInformation("Stream {ClientId} of user {UserId} ended", connection.ClientId, identity.UserId);
        }
        finally
        {
            // Stops the client actor, also when it was created after a timed-out or abandoned connect.
            connection.End();
        }
    }

    private string? TopicProblem(HttpContext context, SseIdentity identity, SseOptions settings, out IReadOnlyList<string> topics)
    {
        topics = [];
        try
        {
            topics = topicResolver.ResolveTopics(context, identity);
            var limits = settings.Limits;
            if (topics.Count > limits.MaxTopicsPerConnection)
            {
                return $"{topics.Count} topics asked for, more than Sse:Limits:MaxTopicsPerConnection ({limits.MaxTopicsPerConnection})";
            }
            foreach (var topic in topics)
            {
                SseNames.ValidateTopic(topic, "topics", limits.MaxTopicLength);
            }
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
        return topics.Count > 0 && !settings.EnableTopics ? "topics are disabled on this server (Sse:EnableTopics is false)" : null;
    }

    private static async Task StartStreamAsync(HttpContext context)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers.Connection = "keep-alive";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await response.StartAsync(context.RequestAborted);
        await response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    /// <remarks>
    /// A flush that waits longer than ClientTimeout means the browser stopped reading: the client
    /// actor sees it on its heartbeat tick (<see cref="ClientConnection.PendingFlush"/>) and aborts.
    /// </remarks>
    private static async Task PumpAsync(HttpContext context, ClientConnection connection)
    {
        var events = connection.Events;
        var output = context.Response.BodyWriter;
        connection.OnAbort(context.Abort);
        try
        {
            while (await events.WaitToReadAsync(context.RequestAborted))
            {
                while (events.TryRead(out var sseEvent))
                {
                    output.Write(sseEvent.Utf8);
                }
                connection.FlushStarting();
                var flushed = await output.FlushAsync(context.RequestAborted);
                connection.FlushDone();
                if (flushed.IsCompleted || flushed.IsCanceled)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The browser went away or the stream was cut; the client actor is stopped by the caller.
        }
    }
}
