using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sse.Actors.Api;
using Sse.Actors.Broker;
using Sse.Actors.Diagnostics;
using Sse.Actors.Events;
using Sse.Actors.Settings;

namespace Sse.Actors.Http;

/// <summary>
/// <c>POST /send</c>: the seed's publish body
/// <c>{"target_type":"user|topic|broadcast","user_id":"...","topic":"...","tenant_id":"...","event":"...","data":"..."}</c>
/// (<c>tenant_id</c> scopes a topic to one tenant; without it the topic is the tenant-less one).
/// <c>data</c> may be a string or any JSON value (sent as its JSON text); <c>event</c> defaults to <c>message</c>.
/// <c>message_id</c> (or an <c>Idempotency-Key</c> header on <c>/send</c>) names the event: with history on, a
/// retry with the same id is recorded once and answered with the first one's <c>event_id</c>.
/// <c>POST /send/batch</c> takes a JSON array of such messages, checks each on its own and answers
/// one result per message, in order. Success means the stream recorded the event; 503 with <c>Retry-After</c> means it
/// was not and never will be (the node had too many publishes waiting); 504 with <c>"outcome":"unknown"</c> means the
/// stream did not answer within <c>Sse:PublishTimeout</c>: it may have recorded it just before, and will not after, so
/// retry with the same message id (in a batch, each is that message's result).
/// </summary>
internal sealed class SendEndpoint(ISseBroker broker, IOptions<SseOptions> options, SseMetrics metrics, SseRefusalLog refusals, ILogger<SendEndpoint> logger)
{
    public async Task HandleAsync(HttpContext context)
    {
        var (read, request) = await ReadBodyAsync<SendRequest>(context, options.Value.Limits.MaxSendBodyBytes, "MaxSendBodyBytes");
        if (!read)
        {
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
            var header = context.Request.Headers["Idempotency-Key"].ToString();
            if (header.Length > 0)
            {
                request = request.MessageId is null || request.MessageId == header
                    ? request with { MessageId = header }
                    : throw new ArgumentException("The Idempotency-Key header and message_id name different messages.", "message_id");
            }
            eventId = await broker.SendAsync(ToMessage(request), context.RequestAborted);
        }
        catch (PublishTimeoutException e)
        {
            await UnavailableAsync(context, e);
            return;
        }
        catch (PublishOutcomeUnknownException e)
        {
            await OutcomeUnknownAsync(context, e);
            return;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            await RejectAsync(context, ErrorReason(e), e.Message);
            return;
        }
        await context.Response.WriteAsJsonAsync(new SendResponse(true, request.TargetType!, eventId), SseJson.Options, context.RequestAborted);
    }

    public async Task HandleBatchAsync(HttpContext context)
    {
        var limits = options.Value.Limits;
        var (read, body) = await ReadBodyAsync<JsonElement>(context, limits.MaxBatchBodyBytes, "MaxBatchBodyBytes");
        if (!read)
        {
            return;
        }
        if (body.ValueKind != JsonValueKind.Array)
        {
            await RejectAsync(context, SseMetrics.SendErrors.InvalidJson, "the body must be a JSON array of send messages");
            return;
        }
        var count = body.GetArrayLength();
        if (count > limits.MaxBatchSize)
        {
            await RejectAsync(context, SseMetrics.SendErrors.TooLarge, $"the batch has {count} messages, more than Sse:Limits:MaxBatchSize ({limits.MaxBatchSize})");
            return;
        }

        // Every message is checked, then the valid ones go out in order as one batch: a batch costs one wait, not one per message.
        var results = new BatchItemResult?[count];
        var messages = new List<SseMessage>(count);
        var sent = new List<int>(count);
        var index = 0;
        foreach (var item in body.EnumerateArray())
        {
            try
            {
                var request = item.ValueKind == JsonValueKind.Object ? item.Deserialize<SendRequest>(SseJson.Options) : null;
                if (request is null)
                {
                    results[index] = Refused(SseMetrics.SendErrors.InvalidJson, "the message must be a JSON object");
                }
                else
                {
                    messages.Add(ToMessage(request));
                    sent.Add(index);
                }
            }
            catch (JsonException e)
            {
                results[index] = Refused(SseMetrics.SendErrors.InvalidJson, $"the message does not fit the send schema: {e.Message}");
            }
            catch (ArgumentException e)
            {
                results[index] = Refused(ErrorReason(e), e.Message);
            }
            index++;
        }
        var outcomes = await broker.SendBatchAsync(messages, context.RequestAborted);
        for (var i = 0; i < outcomes.Count; i++)
        {
            results[sent[i]] = outcomes[i] switch
            {
                { Error: null, EventId: var eventId } => new BatchItemResult(true, TargetType(messages[i]), eventId, null),
                { Error: PublishTimeoutException e } => Refused(SseMetrics.SendErrors.NotRecorded, e.Message),
                { Error: PublishOutcomeUnknownException e } => Refused(SseMetrics.SendErrors.OutcomeUnknown, e.Message) with { Outcome = UnknownOutcome },
                { Error: var e } => Refused(ErrorReason(e), e.Message),
            };
        }
        var rejected = 0;
        string? firstProblem = null;
        for (var i = 0; i < count; i++)
        {
            if (!results[i]!.Success)
            {
                rejected++;
                firstProblem ??= $"message {i}: {results[i]!.Error}";
            }
        }
        if (rejected > 0)
        {
            // Each refused message is in the refusal summary; this is the batch's own detail.
            logger.LogDebug("Batch send: {Rejected} of {Count} messages refused; first: {Problem}", rejected, count, firstProblem);
        }
        await context.Response.WriteAsJsonAsync(new BatchResponse(rejected == 0, count - rejected, rejected, results!), SseJson.Options, context.RequestAborted);
    }

    private BatchItemResult Refused(string metricReason, string error)
    {
        refusals.PublisherRefused(metricReason, error);
        metrics.SendRefused(metricReason);
        return BatchItemResult.Refused(error);
    }

    /// <summary>Reads the JSON body within <paramref name="maxBody"/> bytes; answers 400 or 413 itself when it cannot.</summary>
    private async Task<(bool Read, T? Body)> ReadBodyAsync<T>(HttpContext context, int maxBody, string limitName)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = maxBody;
        }
        try
        {
            if (context.Request.ContentLength > maxBody)
            {
                throw new BadHttpRequestException("too large", StatusCodes.Status413PayloadTooLarge);
            }
            return (true, await JsonSerializer.DeserializeAsync<T>(context.Request.Body, SseJson.Options, context.RequestAborted));
        }
        catch (JsonException e)
        {
            await RejectAsync(context, SseMetrics.SendErrors.InvalidJson, $"the body is not valid JSON: {e.Message}");
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            refusals.PublisherRefused(SseMetrics.SendErrors.TooLarge, $"body over Sse:Limits:{limitName} ({maxBody} bytes)");
            metrics.SendRefused(SseMetrics.SendErrors.TooLarge);
            // The rest of the body stays unread, so the connection cannot carry another request.
            context.Response.Headers.Connection = "close";
            await SseJson.WriteErrorAsync(context, e.StatusCode, $"the body is larger than Sse:Limits:{limitName} ({maxBody} bytes)");
        }
        return (false, default);
    }

    /// <summary>The message a request names; throws <see cref="ArgumentException"/> naming the field it gets wrong.</summary>
    private static SseMessage ToMessage(SendRequest request)
    {
        var eventName = request.Event ?? SseEncoder.DefaultEventName;
        var data = request.Data ?? "";
        return request.TargetType switch
        {
            "user" => new SseMessage.User(UserId(request.UserId), eventName, data, request.MessageId),
            "topic" => new SseMessage.Topic(request.Topic ?? "", eventName, data, request.TenantId is null ? null : TenantId(request.TenantId), request.MessageId),
            "broadcast" => new SseMessage.Broadcast(eventName, data, request.MessageId),
            null => throw new ArgumentException("target_type is required: user, topic or broadcast.", "target_type"),
            var other => throw new ArgumentException($"Unknown target_type '{other}': expected user, topic or broadcast.", "target_type"),
        };
    }

    private static string TargetType(SseMessage message) => message switch
    {
        SseMessage.User => "user",
        SseMessage.Topic => "topic",
        _ => "broadcast",
    };

    private static string UserId(string? value) =>
        SseIds.TryUserId(value, out var id, out var problem) ? id : throw new ArgumentException($"user_id {problem}.", "user_id");

    private static string TenantId(string value) =>
        SseIds.TryTenantId(value, out var id, out var problem) ? id : throw new ArgumentException($"tenant_id {problem}.", "tenant_id");

    private static string ErrorReason(Exception e) =>
        e is TopicsDisabledException ? SseMetrics.SendErrors.TopicsDisabled : SseMetrics.SendErrors.Validation;

    /// <summary>503 with <c>Retry-After</c>: the event was not recorded and never will be; a retry later may succeed.</summary>
    private Task UnavailableAsync(HttpContext context, PublishTimeoutException e)
    {
        refusals.PublisherRefused(SseMetrics.SendErrors.NotRecorded, e.Message);
        metrics.SendRefused(SseMetrics.SendErrors.NotRecorded);
        SetRetryAfter(context);
        return SseJson.WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable, e.Message);
    }

    /// <summary>504 with <c>Retry-After</c> and <c>"outcome":"unknown"</c>: the stream did not answer in time; retry with the same message id.</summary>
    private async Task OutcomeUnknownAsync(HttpContext context, PublishOutcomeUnknownException e)
    {
        refusals.PublisherRefused(SseMetrics.SendErrors.OutcomeUnknown, e.Message);
        metrics.SendRefused(SseMetrics.SendErrors.OutcomeUnknown);
        SetRetryAfter(context);
        context.Response.StatusCode = StatusCodes.Status504GatewayTimeout;
        await context.Response.WriteAsJsonAsync(new UnknownOutcomeResponse(false, UnknownOutcome, e.Message), SseJson.Options);
    }

    private void SetRetryAfter(HttpContext context) =>
        context.Response.Headers.RetryAfter = ((int)Math.Ceiling(options.Value.RefusedRetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private const string UnknownOutcome = "unknown";

    private Task RejectAsync(HttpContext context, string metricReason, string reason)
    {
        refusals.PublisherRefused(metricReason, reason);
        metrics.SendRefused(metricReason);
        return SseJson.WriteErrorAsync(context, StatusCodes.Status400BadRequest, reason);
    }
}
