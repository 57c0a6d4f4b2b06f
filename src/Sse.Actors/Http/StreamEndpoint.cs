using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.IO.Pipelines;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sse.Actors.Broker;
using Sse.Actors.Clients;
using Sse.Actors.Diagnostics;
using Sse.Actors.Events;
using Sse.Actors.History;
using Sse.Actors.Security;
using Sse.Actors.Settings;
using Sse.Actors.Tickets;
using static Sse.Actors.Broker.BrokerConnections;

namespace Sse.Actors.Http;

/// <summary>
/// <c>GET /stream</c>: authenticates, asks the node's broker for a client actor, and pumps that
/// client's buffer into the response (<see cref="StreamResponse"/>).
/// </summary>
internal sealed class StreamEndpoint(
    IRequiredActor<BrokerActor> broker,
    ISseAuthenticator authenticator,
    ISseTopicResolver topicResolver,
    ISseTopicAuthorizer topicAuthorizer,
    StreamTickets tickets,
    IOptions<SseOptions> options,
    SseMetrics metrics,
    SseRefusalLog refusals,
    ILogger<StreamEndpoint> logger)
{
    // Read once: the endpoint is a singleton made after start-up validated the options.
    private readonly EventIdPolicy _idPolicy = EventIdPolicy.For(history: options.Value.HistorySize > 0);

    public async Task HandleAsync(HttpContext context)
    {
        var settings = options.Value;
        if (await SseCors.RefusedOriginAsync(context, settings) is { } origin)
        {
            await RefuseAsync(context, StatusCodes.Status403Forbidden, SseMetrics.StreamRefusals.Forbidden, $"origin '{origin}' is not allowed (Sse:AllowedOrigins)");
            return;
        }
        // A ticket stands in for the credential it was bought with (POST /ticket): no long-lived token in the URL.
        StreamTicket? ticket = null;
        var authentication = context.Request.Query[StreamTickets.QueryParameter].ToString() is { Length: > 0 } presented
            ? tickets.Read(presented, out ticket)
            : await authenticator.AuthenticateOrRefuseAsync(context);
        if (authentication.Identity is not { } identity)
        {
            await RefuseAsync(context, StatusCodes.Status401Unauthorized, SseMetrics.StreamRefusals.Unauthorized, authentication.FailureReason ?? "authentication failed");
            return;
        }
        if (StreamTopics.Problem(topicResolver, context, identity, settings, out var topics) is { } problem)
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, SseMetrics.StreamRefusals.InvalidTopics, problem);
            return;
        }
        // A ticket's topics were authorized when it was issued; it opens those and no others, once.
        if (ticket is not null && !await RedeemAsync(context, ticket, topics))
        {
            return;
        }
        if (ticket is null && await StreamTopics.DeniedAsync(topicAuthorizer, context, identity, topics) is { } denied)
        {
            await RefuseAsync(context, StatusCodes.Status403Forbidden, SseMetrics.StreamRefusals.Forbidden,
                $"subscribing to topic '{denied}' is not allowed (Sse:Auth:AllowedTopics)", $"user {identity.UserId} may not subscribe to topic {denied}");
            return;
        }

        var connection = new ClientConnection(identity.UserId, identity.TenantId, topics, settings.ClientBufferSize, LastEventId(context, settings), identity.ExpiresAt,
            settings.MaxConnectionsPerUser);
        try
        {
            if (await AdmitAsync(connection, settings) is not { } result)
            {
                var reason = $"the broker did not admit the stream within Sse:ConnectTimeout ({settings.ConnectTimeout}); try again";
                await RefuseWithRetryAfterAsync(context, StatusCodes.Status503ServiceUnavailable, SseMetrics.StreamRefusals.NotAdmittedInTime,
                    reason, $"user {identity.UserId}: {reason}");
                return;
            }
            if (result is Refused refused)
            {
                // The node's own limits; the user's is its entity's, below.
                await RefuseWithRetryAfterAsync(context, StatusCodes.Status503ServiceUnavailable,
                    refused.Reason == RefusalReason.NodeFull ? SseMetrics.StreamRefusals.NodeFull : SseMetrics.StreamRefusals.ShuttingDown,
                    refused.Message, $"user {identity.UserId}: {refused.Message}");
                return;
            }
            if (await UserConnectionsAsync(connection) is { } held)
            {
                var reason = $"the user already holds {held} connections, the maximum (Sse:MaxConnectionsPerUser is {settings.MaxConnectionsPerUser})";
                await RefuseWithRetryAfterAsync(context, StatusCodes.Status429TooManyRequests, SseMetrics.StreamRefusals.UserLimit, reason, $"user {identity.UserId}: {reason}");
                return;
            }
            logger.LogDebug("Stream {ClientId} opened for user {UserId} with {TopicCount} topics", connection.ClientId, identity.UserId, topics.Count);
            await StreamResponse.StartAsync(context);
            await StreamResponse.PumpAsync(context, connection, _idPolicy, metrics);
            logger.LogDebug("Stream {ClientId} of user {UserId} ended", connection.ClientId, identity.UserId);
        }
        finally
        {
            // Stops the client actor, also when it was created after a timed-out or abandoned connect.
            connection.End();
        }
    }

    /// <summary>
    /// The broker's answer to the connect, or null when it gave none in time (a node overloaded or stopping): the stream is
    /// refused with 503, and a client actor the broker makes after that stops at once (<see cref="ClientConnection.End"/>).
    /// </summary>
    private async Task<ConnectResult?> AdmitAsync(ClientConnection connection, SseOptions settings)
    {
        try
        {
            return await broker.ActorRef.Ask<ConnectResult>(new Connect(connection), settings.ConnectTimeout);
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }

    /// <summary>
    /// With a per-user limit, the user's connections when its entity refused this one; null once admitted. An entity
    /// that does not answer in time (its node died, its shard is moving) admits it: a browser's EventSource gives up for
    /// good on a refusal, so an outage must not refuse every reconnect.
    /// </summary>
    private async Task<int?> UserConnectionsAsync(ClientConnection connection)
    {
        try
        {
            return await connection.Admission.WaitAsync(options.Value.AdmissionTimeout);
        }
        catch (TimeoutException)
        {
            logger.LogDebug("Stream {ClientId}: the user entity did not answer its admission in time; admitted", connection.ClientId);
            return null;
        }
    }

    /// <summary>
    /// With history on, the id the connection resumes after: the <c>Last-Event-ID</c> header, or the
    /// <c>last_event_id</c> query parameter for clients that cannot set headers. Ignored with history off.
    /// </summary>
    private static string? LastEventId(HttpContext context, SseOptions settings)
    {
        if (settings.HistorySize == 0)
        {
            return null;
        }
        var request = context.Request;
        return request.Headers["Last-Event-ID"].FirstOrDefault() is { Length: > 0 } header ? header : request.Query["last_event_id"].FirstOrDefault();
    }

    private async Task<bool> RedeemAsync(HttpContext context, StreamTicket ticket, IReadOnlyList<string> topics)
    {
        try
        {
            if (await tickets.RedeemAsync(ticket, topics) is not { } refusal)
            {
                return true;
            }
            await RefuseAsync(context, StatusCodes.Status401Unauthorized, SseMetrics.StreamRefusals.Unauthorized, refusal);
        }
        catch (AskTimeoutException)
        {
            // Unknown whether it was used before: refused, and a new ticket will do.
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(options.Value.RefusedRetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            await RefuseAsync(context, StatusCodes.Status503ServiceUnavailable, SseMetrics.StreamRefusals.Unauthorized,
                "the ticket could not be checked in time; ask for a new one");
        }
        return false;
    }

    /// <summary>A refusal worth retrying later: <c>Retry-After</c> says when (<c>Sse:RefusedRetryAfter</c>).</summary>
    private Task RefuseWithRetryAfterAsync(HttpContext context, int status, string refusal, string reason, string logged)
    {
        context.Response.Headers.RetryAfter = ((int)Math.Ceiling(options.Value.RefusedRetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return RefuseAsync(context, status, refusal, reason, logged);
    }

    /// <summary>Answers a refused stream before any stream byte, counted and logged with its reason (never a credential) through <see cref="SseRefusalLog"/>.</summary>
    private async Task RefuseAsync(HttpContext context, int status, string refusal, string reason, string? logged = null)
    {
        refusals.StreamRefused(refusal, logged ?? reason);
        metrics.ConnectionRefused(refusal);
        await SseJson.WriteErrorAsync(context, status, reason);
    }
}
