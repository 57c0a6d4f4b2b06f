using Sse.Actors.Serialization;

namespace Sse.Actors.Tickets;

/// <summary>What the stream endpoint asks a ticket's entity, on whichever node the entity lives.</summary>
internal static class TicketProtocol
{
    /// <summary>A stream presents the ticket: is this its first use? The entity remembers the id past <paramref name="ExpiresAt"/>.</summary>
    public sealed record RedeemTicket(Guid TicketId, DateTimeOffset ExpiresAt) : ISseWireMessage;

    /// <summary>The answer: <paramref name="FirstUse"/> is false for a ticket presented before.</summary>
    public sealed record TicketRedeemed(Guid TicketId, bool FirstUse) : ISseWireMessage;
}
