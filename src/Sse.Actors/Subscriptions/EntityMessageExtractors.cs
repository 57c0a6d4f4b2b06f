using Akka.Cluster.Sharding;
using Sse.Actors.Topics;
using Sse.Actors.Users;

namespace Sse.Actors.Subscriptions;

/// <summary>Routes user messages to the entity named by the user id.</summary>
public sealed class UserMessageExtractor(int maxNumberOfShards) : HashCodeMessageExtractor(maxNumberOfShards)
{
    public override string? EntityId(object message) => message is IUserEntityMessage m ? m.UserId.ToString("N") : null;
}

/// <summary>Routes topic messages to the entity named by the topic.</summary>
public sealed class TopicMessageExtractor(int maxNumberOfShards) : HashCodeMessageExtractor(maxNumberOfShards)
{
    public override string? EntityId(object message) => message is ITopicEntityMessage m ? m.Topic : null;
}
