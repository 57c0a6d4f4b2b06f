namespace Sse.Actors.Events;

/// <summary>Rules for the names that end up in a stream's fields.</summary>
public static class SseNames
{
    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="paramName"/> when the event name cannot be written.</summary>
    public static void ValidateEventName(string? eventName, string paramName = "eventName")
    {
        if (string.IsNullOrEmpty(eventName))
        {
            throw new ArgumentException("The event name must not be empty.", paramName);
        }
        if (eventName.Any(char.IsControl))
        {
            throw new ArgumentException("The event name must not contain CR, LF or other control characters.", paramName);
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="paramName"/> when the topic is not a valid topic name.</summary>
    public static void ValidateTopic(string? topic, string paramName = "topic")
    {
        if (string.IsNullOrWhiteSpace(topic))
        {
            throw new ArgumentException("The topic must not be empty.", paramName);
        }
        if (topic.Any(char.IsControl))
        {
            throw new ArgumentException("The topic must not contain CR, LF or other control characters.", paramName);
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> when the user id is the empty GUID.</summary>
    public static void ValidateUserId(Guid userId, string paramName = "userId")
    {
        if (userId == Guid.Empty)
        {
            throw new ArgumentException("The user id must not be empty (the nil UUID).", paramName);
        }
    }
}
