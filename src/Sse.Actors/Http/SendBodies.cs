using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sse.Actors.Http;

// The bodies of POST /send and /send/batch (SendEndpoint), in SseJson's snake_case.

internal sealed record SendRequest(
    string? TargetType, string? UserId, string? Topic, string? TenantId, string? Event,
    [property: JsonConverter(typeof(EventDataConverter))] string? Data, string? MessageId = null);

/// <summary>
/// <c>data</c> as the event's text: a JSON string as is, null as empty, any other JSON value as
/// its JSON text. Reads the common string case without building a JSON document per message.
/// </summary>
internal sealed class EventDataConverter : JsonConverter<string>
{
    public override bool HandleNull => true;

    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString()!,
        JsonTokenType.Null => "",
        _ => JsonElement.ParseValue(ref reader).GetRawText(),
    };

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}

internal sealed record SendResponse(bool Success, string TargetType, string EventId);

internal sealed record BatchResponse(bool Success, int Accepted, int Rejected, BatchItemResult[] Results);

internal sealed record UnknownOutcomeResponse(bool Success, string Outcome, string Error);

internal sealed record BatchItemResult(
    bool Success,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? TargetType,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? EventId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Outcome = null)
{
    public static BatchItemResult Refused(string error) => new(false, null, null, error);
}
