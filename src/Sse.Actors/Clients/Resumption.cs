using Sse.Actors.Events;
using Sse.Actors.History;

namespace Sse.Actors.Clients;

/// <summary>What to write after a (re)subscription: a <c>reset</c> naming <paramref name="Reset"/> when not empty, then <paramref name="Missed"/>.</summary>
/// <param name="Starts">On the welcome with history on only: where each stream starts, the id the welcome carries.</param>
public sealed record Resumption(IReadOnlyList<string> Reset, IReadOnlyList<SseEvent> Missed, StreamPosition[]? Starts = null);
