using System.Diagnostics.CodeAnalysis;

namespace Sse.Actors.Events;

/// <summary>
/// The rule for user and tenant ids, which are opaque strings (an identity provider's <c>sub</c>, a database key, a UUID):
/// 1 to <see cref="MaxLength"/> characters, no control characters, line separators or unpaired surrogates, not beginning
/// or ending with white space. They are compared as written (ordinal, case-sensitive), except a UUID in its standard form
/// (8-4-4-4-12 hex digits), which is kept in lowercase: <c>3F25…</c> and <c>3f25…</c> are one user.
/// </summary>
public static class SseIds
{
    /// <summary>Most characters of a user or tenant id: an e-mail address (254) or any identity provider's <c>sub</c> fits.</summary>
    public const int MaxLength = 256;

    private const string NilUuid = "00000000-0000-0000-0000-000000000000";

    /// <summary>The user id as the broker keeps it; throws <see cref="ArgumentException"/> naming <paramref name="paramName"/> when it breaks the rule or is the nil UUID.</summary>
    public static string UserId(string? userId, string paramName = "userId") =>
        TryUserId(userId, out var normalized, out var problem) ? normalized : throw Invalid(userId, $"The user id {problem}.", paramName);

    /// <summary>The tenant id as the broker keeps it; throws <see cref="ArgumentException"/> naming <paramref name="paramName"/> when it breaks the rule.</summary>
    public static string TenantId(string? tenantId, string paramName = "tenantId") =>
        TryTenantId(tenantId, out var normalized, out var problem) ? normalized : throw Invalid(tenantId, $"The tenant id {problem}.", paramName);

    /// <summary>The user id as the broker keeps it, or what is wrong with it (<c>is empty</c>, <c>has 300 characters, …</c>).</summary>
    public static bool TryUserId(string? userId, [NotNullWhen(true)] out string? normalized, [NotNullWhen(false)] out string? problem)
    {
        if (!TryTenantId(userId, out normalized, out problem))
        {
            return false;
        }
        if (normalized == NilUuid)
        {
            // The seed's "empty" user id.
            (normalized, problem) = (null, "is the nil UUID");
            return false;
        }
        return true;
    }

    /// <summary>The tenant id as the broker keeps it, or what is wrong with it.</summary>
    public static bool TryTenantId(string? tenantId, [NotNullWhen(true)] out string? normalized, [NotNullWhen(false)] out string? problem)
    {
        normalized = null;
        problem = ProblemWith(tenantId);
        if (problem is not null)
        {
            return false;
        }
        normalized = TryParseUuid(tenantId!, out var uuid) && HasUpperCase(tenantId!) ? uuid.ToString() : tenantId!;
        return true;
    }

    /// <summary>A UUID as an id: its standard form in lowercase, as <see cref="Guid.ToString()"/> writes it.</summary>
    public static string FromGuid(Guid id) => id.ToString();

    /// <summary>Whether <paramref name="id"/> is a UUID in its standard form (8-4-4-4-12 hex digits, either case).</summary>
    public static bool TryParseUuid(string id, out Guid uuid)
    {
        uuid = default;
        return id.Length == 36 && Guid.TryParseExact(id, "D", out uuid);
    }

    private static string? ProblemWith(string? id)
    {
        if (id is null)
        {
            return "is missing";
        }
        if (id.Length == 0)
        {
            return "is empty";
        }
        if (id.Length > MaxLength)
        {
            return $"has {id.Length} characters, more than {MaxLength}";
        }
        if (char.IsWhiteSpace(id[0]) || char.IsWhiteSpace(id[^1]))
        {
            return "begins or ends with white space";
        }
        for (var i = 0; i < id.Length; i++)
        {
            var c = id[i];
            if (char.IsControl(c) || c is '\u2028' or '\u2029')
            {
                return $"contains a control character or line break (U+{(int)c:X4} at index {i})";
            }
            if (char.IsHighSurrogate(c) && i + 1 < id.Length && char.IsLowSurrogate(id[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                // Not valid Unicode: two such ids could encode to the same UTF-8 and be one stream.
                return $"contains an unpaired surrogate (at index {i})";
            }
        }
        return null;
    }

    private static bool HasUpperCase(string id)
    {
        foreach (var c in id)
        {
            if (c is >= 'A' and <= 'F')
            {
                return true;
            }
        }
        return false;
    }

    private static ArgumentException Invalid(string? id, string message, string paramName) =>
        id is null ? new ArgumentNullException(paramName, message) : new ArgumentException(message, paramName);
}
