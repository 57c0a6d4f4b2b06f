using System.Security.Cryptography;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Sse.Actors.Security;
using Sse.Actors.Serialization;
using Sse.Actors.Settings;
using static Sse.Actors.Tickets.TicketProtocol;

namespace Sse.Actors.Tickets;

/// <summary>What a stream ticket grants: one stream of its user and tenant, on some of its topics, before it expires.</summary>
internal sealed record StreamTicket(Guid Id, SseIdentity Identity, IReadOnlyList<string> Topics, DateTimeOffset ExpiresAt);

/// <summary>
/// Issues and redeems stream tickets. A ticket is its grant encrypted and signed by ASP.NET Core Data
/// Protection (so every node whose key ring holds the issuing key can read it, and nobody can forge or
/// read it), and it is single-use through its <see cref="TicketEntity"/>, one per ticket id in the cluster.
/// </summary>
internal sealed class StreamTickets(IDataProtectionProvider protection, IRequiredActor<UsedTickets> usedTickets, IOptions<SseOptions> options)
{
    /// <summary>The query parameter an <c>EventSource</c> passes its ticket in.</summary>
    public const string QueryParameter = "ticket";

    private const string Purpose = "Sse.Actors.StreamTicket";
    // The payload's first byte; 2 holds string ids (1 held UUIDs). A ticket of another format is refused, and its holder asks for a new one.
    private const byte Format = 2;

    private readonly IDataProtector _protector = protection.CreateProtector(Purpose);

    /// <summary>A ticket for <paramref name="identity"/> and <paramref name="topics"/>; it never outlives the credential it was bought with.</summary>
    public (string Ticket, DateTimeOffset ExpiresAt) Issue(SseIdentity identity, IReadOnlyList<string> topics)
    {
        var expiresAt = DateTimeOffset.UtcNow + options.Value.Auth.TicketLifetime;
        if (identity.ExpiresAt is { } credentialExpires && credentialExpires < expiresAt)
        {
            expiresAt = credentialExpires;
        }
        var ticket = new StreamTicket(Guid.NewGuid(), identity, topics, expiresAt);
        return (WebEncoders.Base64UrlEncode(_protector.Protect(Serialize(ticket))), expiresAt);
    }

    /// <summary>The ticket's grant, or why it is refused: not one of ours (forged, altered, another key ring), of another format, or expired.</summary>
    public SseAuthenticationResult Read(string presented, out StreamTicket? ticket)
    {
        ticket = null;
        byte[] payload;
        try
        {
            payload = _protector.Unprotect(WebEncoders.Base64UrlDecode(presented));
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            return SseAuthenticationResult.Fail("the ticket is not valid");
        }
        if (payload.Length == 0 || payload[0] != Format)
        {
            return SseAuthenticationResult.Fail("the ticket was issued in another format (by another version of the broker); ask for a new one");
        }
        try
        {
            ticket = Deserialize(payload);
        }
        catch (Exception e) when (e is ArgumentException or EndOfStreamException or System.Runtime.Serialization.SerializationException)
        {
            return SseAuthenticationResult.Fail("the ticket is not valid");
        }
        return ticket.ExpiresAt <= DateTimeOffset.UtcNow
            ? SseAuthenticationResult.Fail("the ticket has expired")
            : SseAuthenticationResult.Success(ticket.Identity);
    }

    /// <summary>
    /// Redeems the ticket for a stream of <paramref name="topics"/>: null when it may open, else why not
    /// (a topic it does not grant, or its second use). Throws <see cref="AskTimeoutException"/> when its entity does not answer.
    /// </summary>
    public async Task<string?> RedeemAsync(StreamTicket ticket, IReadOnlyList<string> topics)
    {
        if (topics.FirstOrDefault(topic => !ticket.Topics.Contains(topic, StringComparer.Ordinal)) is { } other)
        {
            return $"the ticket does not grant topic '{other}'";
        }
        var redeemed = await usedTickets.ActorRef.Ask<TicketRedeemed>(new RedeemTicket(ticket.Id, ticket.ExpiresAt), options.Value.Auth.TicketRedeemTimeout);
        return redeemed.FirstUse ? null : "the ticket has already been used";
    }

    private static byte[] Serialize(StreamTicket ticket)
    {
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer))
        {
            w.Write(Format);
            WireIds.WriteGuid(w, ticket.Id);
            WireIds.WriteTagged(w, ticket.Identity.UserId);
            w.Write(ticket.Identity.TenantId is not null);
            if (ticket.Identity.TenantId is { } tenantId)
            {
                WireIds.WriteTagged(w, tenantId);
            }
            w.Write(ticket.Identity.ExpiresAt.HasValue);
            w.Write((ticket.Identity.ExpiresAt ?? default).ToUnixTimeMilliseconds());
            w.Write(ticket.ExpiresAt.ToUnixTimeMilliseconds());
            w.Write(ticket.Topics.Count);
            foreach (var topic in ticket.Topics)
            {
                w.Write(topic);
            }
        }
        return buffer.ToArray();
    }

    private static StreamTicket Deserialize(byte[] payload)
    {
        using var r = new BinaryReader(new MemoryStream(payload, 1, payload.Length - 1, writable: false));
        var id = WireIds.ReadGuid(r);
        var userId = WireIds.ReadTagged(r);
        var tenantId = r.ReadBoolean() ? WireIds.ReadTagged(r) : null;
        var hasCredentialExpiry = r.ReadBoolean();
        var credentialExpires = DateTimeOffset.FromUnixTimeMilliseconds(r.ReadInt64());
        var expiresAt = DateTimeOffset.FromUnixTimeMilliseconds(r.ReadInt64());
        var topics = new string[r.ReadInt32()];
        for (var i = 0; i < topics.Length; i++)
        {
            topics[i] = r.ReadString();
        }
        var identity = new SseIdentity(userId, tenantId, hasCredentialExpiry ? credentialExpires : null);
        return new StreamTicket(id, identity, topics, expiresAt);
    }
}
