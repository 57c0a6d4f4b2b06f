namespace Sse.Actors.Topics;

/// <summary>
/// Topics are scoped to a tenant: the entity of topic <c>news</c> for tenant T is a different
/// entity from tenant U's <c>news</c> and from the tenant-less <c>news</c>, so no event crosses
/// tenants. The key joins tenant and topic with a comma, which topic names may not contain.
/// </summary>
public static class TopicKeys
{
    /// <summary>
    /// With history on, the entity that numbers and keeps broadcasts: a key that starts with a comma,
    /// which no topic name (nor a tenant's key) can produce.
    /// </summary>
    public const string Broadcast = ",broadcast";

    public static string For(Guid? tenantId, string topic) => tenantId is { } tenant ? $"{tenant:N},{topic}" : topic;
}
