using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sse.Actors.Diagnostics;
using Sse.Actors.Http;
using Sse.Actors.Security;
using Sse.Actors.Settings;

namespace Sse.Actors.Tickets;

/// <summary>
/// <c>POST /ticket</c>: authenticated like a stream (bearer header, or the application's own authentication
/// such as a cookie), with the topics the stream will open, it answers a short-lived, single-use ticket
/// for them that an <c>EventSource</c> passes as <c>?ticket=</c> instead of the credential.
/// </summary>
internal sealed class TicketEndpoint(
    ISseAuthenticator authenticator,
    ISseTopicResolver topicResolver,
    ISseTopicAuthorizer topicAuthorizer,
    StreamTickets tickets,
    IOptions<SseOptions> options,
    SseRefusalLog refusals,
    ILogger<TicketEndpoint> logger)
{
    public async Task HandleAsync(HttpContext context)
    {
        var settings = options.Value;
        var auth = settings.Auth;
        if (auth.Mode == SseAuthMode.Jwt && context.Request.Query.ContainsKey(auth.Jwt.TokenQueryParameter))
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, SseMetrics.StreamRefusals.Unauthorized,
                $"send the token in the Authorization header, not as ?{auth.Jwt.TokenQueryParameter}=: a ticket exists to keep it out of URLs");
            return;
        }
        if (await SseCors.RefusedOriginAsync(context, settings) is { } origin)
        {
            await RefuseAsync(context, StatusCodes.Status403Forbidden, SseMetrics.StreamRefusals.Forbidden, $"origin '{origin}' is not allowed (Sse:AllowedOrigins)");
            return;
        }
        var authentication = await authenticator.AuthenticateOrRefuseAsync(context);
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
        if (await StreamTopics.DeniedAsync(topicAuthorizer, context, identity, topics) is { } denied)
        {
            await RefuseAsync(context, StatusCodes.Status403Forbidden, SseMetrics.StreamRefusals.Forbidden, $"subscribing to topic '{denied}' is not allowed (Sse:Auth:AllowedTopics)");
            return;
        }

        var (ticket, expiresAt) = tickets.Issue(identity, topics);
        logger.LogDebug("Ticket issued to user {UserId} for {TopicCount} topics until {ExpiresAt:O}", identity.UserId, topics.Count, expiresAt);
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsJsonAsync(new TicketIssued(ticket, expiresAt, topics), SseJson.Options);
    }

    /// <summary>Logged with the stream refusals (the reasons of <c>sse_client_refused_total</c>), not counted there: no stream was asked for yet.</summary>
    private async Task RefuseAsync(HttpContext context, int status, string reason, string detail)
    {
        refusals.StreamRefused(reason, $"ticket request: {detail}");
        await SseJson.WriteErrorAsync(context, status, detail);
    }

    private sealed record TicketIssued(string Ticket, DateTimeOffset ExpiresAt, IReadOnlyList<string> Topics);
}
