using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Sse.Actors.Settings;

namespace Sse.Actors.Security;

/// <summary>Decides whether a connection may subscribe to a topic (principal, tenant, topic). Register your own to replace the default.</summary>
public interface ISseTopicAuthorizer
{
    ValueTask<bool> IsAllowedAsync(HttpContext context, SseIdentity identity, string topic);
}

/// <summary>
/// The default: topics matching <c>Sse:Auth:AllowedTopics</c> (exact names, or prefixes ending in
/// <c>*</c>; <c>*</c> alone allows all). With none configured: every topic in Development, none elsewhere.
/// </summary>
public sealed class ConfiguredTopicAuthorizer(IOptions<SseOptions> options, IHostEnvironment environment) : ISseTopicAuthorizer
{
    public ValueTask<bool> IsAllowedAsync(HttpContext context, SseIdentity identity, string topic)
    {
        var patterns = options.Value.Auth.AllowedTopics;
        var allowed = patterns.Length == 0
            ? environment.IsDevelopment()
            : patterns.Any(pattern => pattern.EndsWith('*')
                ? topic.StartsWith(pattern[..^1], StringComparison.Ordinal)
                : string.Equals(topic, pattern, StringComparison.Ordinal));
        return ValueTask.FromResult(allowed);
    }
}
