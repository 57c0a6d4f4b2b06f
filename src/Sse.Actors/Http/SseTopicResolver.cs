using Microsoft.AspNetCore.Http;
using Sse.Actors.Security;

namespace Sse.Actors.Http;

/// <summary>Decides which topics a stream subscribes to (the seed's <c>TopicResolver</c>).</summary>
public interface ISseTopicResolver
{
    IReadOnlyList<string> ResolveTopics(HttpContext context, SseIdentity identity);
}

/// <summary>The seed's default: <c>topics=a,b,c</c> from the query, trimmed, empties and repeats dropped.</summary>
public sealed class QueryStringTopicResolver : ISseTopicResolver
{
    public IReadOnlyList<string> ResolveTopics(HttpContext context, SseIdentity identity) =>
        context.Request.Query["topics"]
            .SelectMany(value => (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Distinct(StringComparer.Ordinal)
            .ToArray();
}
