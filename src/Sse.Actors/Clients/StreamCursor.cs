using Akka.Actor;
using Sse.Actors.History;
using Sse.Actors.Streams;

namespace Sse.Actors.Clients;

/// <summary>Where one connection is in one of its streams: <see cref="ConnectionStreams"/>' bookkeeping per stream.</summary>
internal sealed class StreamCursor(StreamKey stream, StreamPosition? resumeFrom)
{
    public StreamKey Stream { get; } = stream;

    public string Name { get; } = stream.Name;

    /// <summary>The entity that acknowledged the current subscription; null while it is pending.</summary>
    public IActorRef? Entity { get; set; }

    /// <summary>History on: the last position the connection has, asked in Last-Event-ID, then set by the acknowledgement and each event.</summary>
    public StreamPosition? Position { get; set; } = resumeFrom;

    /// <summary>
    /// The acknowledgement's replay, held from the acknowledgement until the welcome: with history on always, with
    /// history off only a gap (the stream's entity moved before the welcome and events went out meanwhile).
    /// </summary>
    public StreamReplay? Replay { get; set; }

    /// <summary>An entity acknowledged the stream once: a subscription after that is a return.</summary>
    public bool WasAcknowledged { get; set; }

    /// <summary>A live event skipped ahead: subscribed again to repair the gap, the stream's events wait for the acknowledgement.</summary>
    public bool Repairing { get; set; }
}
