namespace Sse.Actors.Settings;

/// <summary>
/// Who may publish (<c>POST /send</c>) and read stats (<c>Sse:Publish</c> section). Outside
/// Development a credential is always required; in Development only once one is configured.
/// </summary>
public sealed class SsePublishOptions
{
    /// <summary>Keys accepted in the <c>X-Api-Key</c> header (<c>Sse__Publish__ApiKeys__0=...</c>). Keep them secret.</summary>
    public string[] ApiKeys { get; set; } = [];

    /// <summary>With <c>Sse:Auth:Mode=Jwt</c>: the claim a bearer token needs to publish...</summary>
    public string Claim { get; set; } = "scope";

    /// <summary>...and the value it must hold (one of the space-separated values).</summary>
    public string ClaimValue { get; set; } = "sse:publish";

    /// <summary>Lets anyone publish outside Development (trusted networks only).</summary>
    public bool AllowAnonymous { get; set; }
}
