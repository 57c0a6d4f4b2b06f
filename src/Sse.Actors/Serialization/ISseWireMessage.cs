namespace Sse.Actors.Serialization;

/// <summary>
/// Marks a message that may cross nodes. Every such message is written by
/// <see cref="SseWireSerializer"/>, never by the default JSON serializer.
/// </summary>
public interface ISseWireMessage;
