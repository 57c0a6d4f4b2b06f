using System.Text;

namespace Sse.Actors.Settings.Validation;

/// <summary>The rules of <c>Sse:Auth</c>: what the JWT mode needs, the user id claim, the tickets' lifetime.</summary>
internal static class AuthRules
{
    private const string A = SseOptions.SectionName + ":Auth";

    public static void Check(SseAuthOptions auth, Failures failures)
    {
        if (auth.Mode == SseAuthMode.Jwt)
        {
            failures.Require(!string.IsNullOrEmpty(auth.Jwt.SigningKey) || !string.IsNullOrEmpty(auth.Jwt.Authority),
                $"{A}:Jwt:SigningKey or {A}:Jwt:Authority is required when {A}:Mode is Jwt.");
            failures.Require(string.IsNullOrEmpty(auth.Jwt.SigningKey) || Encoding.UTF8.GetByteCount(auth.Jwt.SigningKey) >= 32,
                $"{A}:Jwt:SigningKey must be at least 32 bytes for HS256.");
        }
        failures.Require(!string.IsNullOrWhiteSpace(auth.UserIdClaim), $"{A}:UserIdClaim must not be empty.");
        failures.Require(auth.TicketLifetime >= TimeSpan.FromSeconds(1) && auth.TicketLifetime <= SseAuthOptions.MaxTicketLifetime,
            $"{A}:TicketLifetime must be between 1 second and {SseAuthOptions.MaxTicketLifetime} (is {auth.TicketLifetime}).");
        failures.RequireWait(auth.TicketRedeemTimeout, $"{A}:TicketRedeemTimeout", TimeSpan.FromMinutes(1));
    }
}
