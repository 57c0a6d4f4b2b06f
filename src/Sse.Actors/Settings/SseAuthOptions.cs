namespace Sse.Actors.Settings;

/// <summary>Who may open a stream (<c>Sse:Auth</c> section).</summary>
public sealed class SseAuthOptions
{
    /// <summary>
    /// <c>QueryString</c> (the seed's: trusts <c>user_id</c> from the query; Development or trusted networks only),
    /// <c>Jwt</c> (a bearer token in <c>Authorization</c> or the <c>token</c> query parameter), or
    /// <c>User</c> (the ASP.NET Core user your own authentication set, e.g. with <c>RequireAuthorization()</c>).
    /// </summary>
    public SseAuthMode Mode { get; set; } = SseAuthMode.QueryString;

    /// <summary>Lets the query-string mode run outside Development. Anyone can then claim any user id.</summary>
    public bool AllowQueryString { get; set; }

    /// <summary>The claim that holds the user id (a UUID) in <c>Jwt</c> and <c>User</c> modes.</summary>
    public string UserIdClaim { get; set; } = "sub";

    /// <summary>The claim that holds the tenant id (a UUID), if any.</summary>
    public string TenantIdClaim { get; set; } = "tenant_id";

    /// <summary>
    /// Topics a stream may subscribe to with the default authorizer: exact names, or prefixes ending in <c>*</c>
    /// (<c>Sse__Auth__AllowedTopics__0=news</c>, <c>..__1=orders:*</c>). None: all in Development, none elsewhere (403).
    /// </summary>
    public string[] AllowedTopics { get; set; } = [];

    /// <summary>The longest <see cref="TicketLifetime"/>: a ticket in a URL is meant to be used at once.</summary>
    public static readonly TimeSpan MaxTicketLifetime = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a stream ticket from <c>POST /ticket</c> may wait for its stream (never longer than the credential it was
    /// bought with). Single-use; it only has to outlive the page's round trip to open the <c>EventSource</c>.
    /// </summary>
    public TimeSpan TicketLifetime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long redeeming a ticket waits for its entity (one per ticket in the cluster); past it the stream is refused (503), and a new ticket will do.</summary>
    public TimeSpan TicketRedeemTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public SseJwtOptions Jwt { get; set; } = new();
}

public enum SseAuthMode
{
    QueryString,
    Jwt,
    User,
}

/// <summary>How bearer tokens are validated (<c>Sse:Auth:Jwt</c>): a shared HS256 key, or an authority's published keys.</summary>
public sealed class SseJwtOptions
{
    /// <summary>HS256 key, at least 32 bytes of UTF-8. Keep it in a secret store or environment variable, never in a file under source control.</summary>
    public string? SigningKey { get; set; }

    /// <summary>An OpenID Connect authority whose JWKS signs the tokens (instead of <see cref="SigningKey"/>).</summary>
    public string? Authority { get; set; }

    /// <summary>Fetch the authority's metadata over HTTPS only; turn off only for an authority on loopback.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Required <c>iss</c>; not checked when empty (with a signing key).</summary>
    public string? Issuer { get; set; }

    /// <summary>Required <c>aud</c>; not checked when empty.</summary>
    public string? Audience { get; set; }

    /// <summary>The query parameter an <c>EventSource</c> passes the token in (it cannot set headers). Never logged.</summary>
    public string TokenQueryParameter { get; set; } = "token";

    /// <summary>Accept the token from <see cref="TokenQueryParameter"/>. Turn it off once pages open streams with tickets: tokens then never work in a URL.</summary>
    public bool AllowTokenInQuery { get; set; } = true;
}
