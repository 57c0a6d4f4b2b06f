using System.Net.ServerSentEvents;
using Akka.Actor;
using Sse.Actors.Events;

namespace Sse.Actors.TestKit;

/// <summary>
/// An event as a browser's <c>EventSource</c> sees it, told to a probe that listens through
/// <see cref="SseTestBroker"/>: <c>probe.ExpectMsg&lt;ReceivedSseEvent&gt;(e =&gt; e.EventType == "notification")</c>.
/// </summary>
/// <param name="Id">The event's <c>id:</c>.</param>
/// <param name="EventType">The <c>event:</c> name; <c>message</c> when the event has none, as in a browser.</param>
/// <param name="Data">The data lines joined with <c>\n</c>.</param>
public sealed record ReceivedSseEvent(string Id, string EventType, string Data) : INoSerializationVerificationNeeded
{
    /// <summary>Reads the encoded bytes with the framework's SSE parser, so a test sees what a browser would.</summary>
    public static ReceivedSseEvent From(SseEvent sseEvent)
    {
        using var stream = new MemoryStream(sseEvent.Utf8, writable: false);
        var item = SseParser.Create(stream).Enumerate().Single();
        // The bytes hold no id (the response writer writes it): the event's own is the one it is sent with, history off.
        return new ReceivedSseEvent(sseEvent.Id, item.EventType, item.Data);
    }
}
