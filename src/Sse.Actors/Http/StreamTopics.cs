using Microsoft.AspNetCore.Http;
using Sse.Actors.Events;
using Sse.Actors.Security;
using Sse.Actors.Settings;

namespace Sse.Actors.Http;

/// <summary>The topics a stream request asks for, checked the same way for a stream and for a ticket.</summary>
internal static class StreamTopics
{
    /// <summary>Resolves the request's topics; a reason (400) when they are malformed, too many, or topics are off.</summary>
    public static string? Problem(ISseTopicResolver resolver, HttpContext context, SseIdentity identity, SseOptions settings, out IReadOnlyList<string> topics)
    {
        topics = [];
        try
        {
            topics = resolver.ResolveTopics(context, identity);
            var limits = settings.Limits;
            if (topics.Count > limits.MaxTopicsPerConnection)
            {
                return $"{topics.Count} topics asked for, more than Sse:Limits:MaxTopicsPerConnection ({limits.MaxTopicsPerConnection})";
            }
            foreach (var topic in topics)
            {
                SseNames.ValidateTopic(topic, "topics", limits.MaxTopicLength);
            }
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
        return topics.Count > 0 && !settings.EnableTopics ? "topics are disabled on this server (Sse:EnableTopics is false)" : null;
    }

    /// <summary>The first topic the authorizer denies, or null when it allows them all.</summary>
    public static async Task<string?> DeniedAsync(ISseTopicAuthorizer authorizer, HttpContext context, SseIdentity identity, IReadOnlyList<string> topics)
    {
        foreach (var topic in topics)
        {
            if (!await authorizer.IsAllowedAsync(context, identity, topic))
            {
                return topic;
            }
        }
        return null;
    }
}
