namespace Sse.Actors.Events;

/// <summary>Rules for the names that end up in a stream's fields.</summary>
public static class SseNames
{
    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="paramName"/> when the event name cannot be written.</summary>
    public static void ValidateEventName(string? eventName, string paramName = "eventName", int maxLength = int.MaxValue)
    {
        if (string.IsNullOrEmpty(eventName))
        {
            throw new ArgumentException("The event name must not be empty.", paramName);
        }
        if (eventName.Length > maxLength)
        {
            throw new ArgumentException($"The event name has {eventName.Length} characters, more than Sse:Limits:MaxEventNameLength ({maxLength}).", paramName);
        }
        if (eventName.Any(char.IsControl))
        {
            throw new ArgumentException("The event name must not contain CR, LF or other control characters.", paramName);
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="paramName"/> when the topic is not a valid topic name.</summary>
    public static void ValidateTopic(string? topic, string paramName = "topic", int maxLength = int.MaxValue)
    {
        if (string.IsNullOrWhiteSpace(topic))
        {
            throw new ArgumentException("The topic must not be empty.", paramName);
        }
        if (topic.Length > maxLength)
        {
            throw new ArgumentException($"The topic has {topic.Length} characters, more than Sse:Limits:MaxTopicLength ({maxLength}).", paramName);
        }
        if (topic.Contains(','))
        {
            throw new ArgumentException("The topic must not contain a comma (streams list topics comma-separated).", paramName);
        }
        if (topic.Any(char.IsControl))
        {
            throw new ArgumentException("The topic must not contain CR, LF or other control characters.", paramName);
        }
    }

    /// <summary>Most characters of a message id: a UUID, a ULID or a business key fits.</summary>
    public const int MaxMessageIdLength = 200;

    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="paramName"/> when the message id is empty, too long or has control characters.</summary>
    public static void ValidateMessageId(string? messageId, string paramName = "messageId")
    {
        if (messageId is null)
        {
            return;
        }
        if (messageId.Length == 0 || messageId.Length > MaxMessageIdLength)
        {
            throw new ArgumentException($"The message id must have 1 to {MaxMessageIdLength} characters (has {messageId.Length}).", paramName);
        }
        if (messageId.Any(char.IsControl))
        {
            throw new ArgumentException("The message id must not contain control characters.", paramName);
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> when the data is missing or larger than <paramref name="maxBytes"/> in UTF-8.</summary>
    public static void ValidateData(string? data, string paramName = "data", int maxBytes = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(data, paramName);
        // Cheap bound first: a string of n chars has at most 3n UTF-8 bytes.
        if ((long)data.Length * 3 > maxBytes && System.Text.Encoding.UTF8.GetByteCount(data) is var bytes && bytes > maxBytes)
        {
            throw new ArgumentException($"The data is {bytes} bytes (UTF-8), more than Sse:Limits:MaxEventDataBytes ({maxBytes}).", paramName);
        }
    }
}
