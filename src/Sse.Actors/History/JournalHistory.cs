using Akka.Actor;
using Akka.Event;
using Akka.Hosting;
using Akka.Persistence.Sql.Hosting;
using Sse.Actors.Events;
using Sse.Actors.Settings;
using Sse.Actors.Streams;

namespace Sse.Actors.History;

/// <summary>
/// The durable history store: a child <see cref="HistoryJournal"/> writes every event before it is kept and
/// delivered, so no browser ever holds an id that a restarted entity could give to another event, and reads
/// the stream back when the entity starts (after a passivation, a hand-off, a node stop or a killed node).
/// </summary>
internal sealed class JournalHistory : IStreamHistory
{
    private readonly IStreamHistoryOwner _owner;
    private readonly HistoryRing _ring;
    private readonly string _name;
    private readonly string _persistenceId;
    private IActorRef? _journal;
    private bool _stopping;
    // Named events numbered but not yet written, with the retries of each that wait for it.
    private Dictionary<string, List<(string PublishedId, IActorRef Publisher)>>? _inFlight;

    public JournalHistory(IStreamHistoryOwner owner, int size)
    {
        _owner = owner;
        _ring = new HistoryRing(size);
        _name = owner.Stream.Name;
        _persistenceId = owner.Stream.PersistenceId;
    }

    public bool HoldsEvents => _ring.Seq > 0;

    public long Unwritten => _ring.Unwritten;

    public bool Start()
    {
        // Nothing is served before the store has answered with what it keeps of the stream.
        var context = _owner.Context;
        _journal = context.Watch(context.ActorOf(HistoryJournal.Props(_persistenceId, _ring.Size, context.Self), "history"));
        return true;
    }

    public bool Receive(object message)
    {
        switch (message)
        {
            case HistoryJournal.Recovered recovered:
                Recover(recovered);
                _owner.Started();
                return true;
            case HistoryJournal.Written m:
                Stored(m.Event, m.Publisher);
                return true;
            case Terminated t when t.ActorRef.Equals(_journal):
                if (!_stopping)
                {
                    // The store could not be read or written (the journal logged why): the entity stops too, its
                    // subscribers subscribe again, and its next incarnation reads the store again.
                    _owner.Context.GetLogger().Warning("The history store failed for {StreamKind} entity {Entity}; the entity stops and starts again on its next message",
                        _owner.Stream.Kind, _owner.Stream.EntityId);
                }
                _owner.Finished();
                return true;
            default:
                return false;
        }
    }

    public void Publish(SseEvent sseEvent, IActorRef publisher)
    {
        if (sseEvent.MessageId is { } messageId)
        {
            if (_ring.RecordedAs(messageId) is { } original)
            {
                _owner.Repeated(sseEvent.Id, original.Id, publisher);
                return;
            }
            _inFlight ??= new(StringComparer.Ordinal);
            if (_inFlight.TryGetValue(messageId, out var retries))
            {
                // The first is being written: the retry is answered with it.
                retries.Add((sseEvent.Id, publisher));
                return;
            }
            _inFlight[messageId] = [];
        }
        _journal!.Tell(new HistoryJournal.Store(_ring.Number(_name, sseEvent), publisher));
    }

    public StreamReplay? ReplayAfter(StreamPosition? from, long maxBytes) => _ring.ReplayAfter(from, maxBytes);

    /// <summary>Every event accepted is written before the entity stops, and delivered to whoever still listens.</summary>
    public bool HandOff() => StopJournal(HistoryJournal.StopWhenStored.Instance);

    /// <summary>A stored history ends with its retention, as a history in memory does.</summary>
    public bool Forget() => StopJournal(HistoryJournal.Forget.Instance);

    private bool StopJournal(object how)
    {
        _stopping = true;
        _journal!.Tell(how);
        return true;
    }

    private void Recover(HistoryJournal.Recovered recovered)
    {
        if (recovered.History.Now.Epoch != 0)
        {
            _ring.Restore(recovered.History);
        }
        else if (recovered.NeverWritten)
        {
            // Nothing was ever missed: a browser that saw the stream empty before a restart resumes without a reset.
            _ring.Restore(new HistorySnapshot(new StreamPosition(HistoryRing.StableEpoch(_persistenceId), 0), []));
        }
    }

    /// <summary>An event the journal has written: kept and delivered, unless one before it was refused.</summary>
    private void Stored(SseEvent sseEvent, IActorRef publisher)
    {
        if (sseEvent.Position!.Value.Seq != _ring.Seq + 1)
        {
            // The journal stops after a refused write; nothing after the hole is kept or delivered.
            return;
        }
        _ring.Keep(sseEvent);
        _owner.Recorded(sseEvent, publisher);
        if (sseEvent.MessageId is { } messageId && _inFlight is not null && _inFlight.Remove(messageId, out var retries))
        {
            foreach (var (publishedId, retry) in retries)
            {
                _owner.Repeated(publishedId, sseEvent.Id, retry);
            }
        }
    }
}

internal static class JournalHistoryConfiguration
{
    /// <summary>
    /// With a durable history store, Akka.Persistence.Sql as the default journal: the tables are created
    /// at first use. Nothing else in the broker persists; sharding keeps its state in distributed data.
    /// </summary>
    public static AkkaConfigurationBuilder WithHistoryJournal(this AkkaConfigurationBuilder builder, SseOptions options)
    {
        if (!options.HistoryIsDurable())
        {
            return builder;
        }
        var store = options.HistoryStore;
        var connectionString = store.EffectiveConnectionString;
        if (store.Provider == SseHistoryStore.Sqlite)
        {
            SqliteHistoryFile.Prepare(connectionString);
        }
        return builder.WithSqlPersistence(connectionString,
            store.Provider == SseHistoryStore.Sqlite ? LinqToDB.ProviderName.SQLiteMS : LinqToDB.ProviderName.PostgreSQL15,
            autoInitialize: true);
    }
}
