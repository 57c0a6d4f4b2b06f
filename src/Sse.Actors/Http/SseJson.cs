using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Sse.Actors.Http;

/// <summary>The HTTP API's JSON: snake_case like the seed, errors as <c>{"success":false,"error":"..."}</c>.</summary>
internal static class SseJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        // API responses are JSON documents, never embedded in HTML: keep quotes and '+' readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Task WriteErrorAsync(HttpContext context, int status, string error)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new ErrorBody(false, error), Options);
    }

    /// <summary>The same error body as an endpoint result, for filters and route handlers.</summary>
    public static IResult Error(int status, string error) => Results.Json(new ErrorBody(false, error), Options, statusCode: status);

    private sealed record ErrorBody(bool Success, string Error);
}
