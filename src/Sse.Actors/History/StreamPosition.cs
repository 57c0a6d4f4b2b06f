namespace Sse.Actors.History;

/// <summary>
/// A place in one stream (a user's, a topic's or the broadcasts'), with history on: the stream's epoch, drawn at
/// random when its entity started (a restarted entity has lost its history and a new epoch), and
/// the sequence number of an event in it (1, 2, 3…; 0 before the first).
/// </summary>
public readonly record struct StreamPosition(uint Epoch, long Seq);
