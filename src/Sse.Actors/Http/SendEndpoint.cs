using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sse.Actors.Api;
using Sse.Actors.Broker;
using Sse.Actors.Diagnostics;
using Sse.Actors.Events;
using Sse.Actors.Hosting;

namespace Sse.Actors.Http;

/// <summary>
/// <c>POST /send</c>: the seed's publish body
/// <c>{"target_type":"user|topic|broadcast","user_id":"...","topic":"...","tenant_id":"...","event":"...","data":"..."}</c>
/// (<c>tenant_id</c> scopes a topic to one tenant; without it the topic is the tenant-less one).
/// <c>data</c> may be a string or any JSON value (sent as its JSON text); <c>event</c> defaults to <c>message</c>.
/// </summary>
public sealed class SendEndpoint(ISseBroker broker, IOptions<SseOptions> options, SseMetrics metrics, ILogger<SendEndpoint> logger)
{
    public async Task HandleAsync(HttpContext context)
    {
        var maxBody = options.Value.Limits.MaxSendBodyBytes;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = maxBody;
        }
        SendRequest? request;
        try
        {
            if (context.Request.ContentLength > maxBody)
            {
                throw new BadHttpRequestException("too large", StatusCodes.Status413PayloadTooLarge);
            }
            request = await JsonSerializer.DeserializeAsync<SendRequest>(context.Request.Body, SseJson.Options, context.RequestAborted);
        }
        catch (JsonException e)
        {
            await RejectAsync(context, SseMetrics.SendErrors.InvalidJson, $"the body is not valid JSON: {e.Message}");
            return;
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            logger.LogInformation("Send refused (413): body over {MaxSendBodyBytes} bytes", maxBody);
            metrics.SendRefused(SseMetrics.SendErrors.TooLarge);
            // The rest of the body stays unread, so the connection cannot carry another request.
            context.Response.Headers.Connection = "close";
            await SseJson.WriteErrorAsync(context, e.StatusCode, $"the body is larger than Sse:Limits:MaxSendBodyBytes ({maxBody} bytes)");
            return;
        }
        if (request is null)
        {
            await RejectAsync(context, SseMetrics.SendErrors.InvalidJson, "the body must be a JSON object");
            return;
        }

        string eventId;
        try
        {
            eventId = await SendAsync(request, context.RequestAborted);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            await RejectAsync(context, e is TopicsDisabledException ? SseMetrics.SendErrors.TopicsDisabled : SseMetrics.SendErrors.Validation, e.Message);
            return;
        }
        await context.Response.WriteAsJsonAsync(new SendResponse(true, request.TargetType!, eventId), SseJson.Options, context.RequestAborted);
    }

    private Task<string> SendAsync(SendRequest request, CancellationToken cancellationToken)
    {
        var eventName = request.Event ?? SseEncoder.DefaultEventName;
        var data = request.Data switch
        {
            null => "",
            { ValueKind: JsonValueKind.String } text => text.GetString()!,
            { ValueKind: JsonValueKind.Null } => "",
            { } json => json.GetRawText(),
        };
        return request.TargetType switch
        {
            "user" => broker.SendToUserAsync(ParseId(request.UserId, "user_id"), eventName, data, cancellationToken),
            "topic" when request.TenantId is null => broker.SendToTopicAsync(request.Topic ?? "", eventName, data, cancellationToken),
            "topic" => broker.SendToTopicAsync(ParseId(request.TenantId, "tenant_id"), request.Topic ?? "", eventName, data, cancellationToken),
            "broadcast" => broker.BroadcastAsync(eventName, data, cancellationToken),
            null => throw new ArgumentException("target_type is required: user, topic or broadcast.", "target_type"),
            var other => throw new ArgumentException($"Unknown target_type '{other}': expected user, topic or broadcast.", "target_type"),
        };
    }

    private static Guid ParseId(string? value, string name) =>
        Guid.TryParse(value, out var id) ? id : throw new ArgumentException($"{name} must be a UUID.", name);

    private Task RejectAsync(HttpContext context, string metricReason, string reason)
    {
        logger.LogInformation("Send refused (400): {Reason}", reason);
        metrics.SendRefused(metricReason);
        return SseJson.WriteErrorAsync(context, StatusCodes.Status400BadRequest, reason);
    }

    private sealed record SendRequest(string? TargetType, string? UserId, string? Topic, string? TenantId, string? Event, JsonElement? Data);

    private sealed record SendResponse(bool Success, string TargetType, string EventId);
}
