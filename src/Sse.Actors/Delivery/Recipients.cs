using System.Collections;
using Akka.Actor;

namespace Sse.Actors.Delivery;

/// <summary>
/// A set of local recipients that keeps one inline and more in a <see cref="HashSet{T}"/>. Most streams have one
/// subscriber on a node and most users one connection, and a node keeps a set per stream twice (its entity's, its
/// broker's): a hash set of one costs about 140 B each. A mutable struct: keep it in a field, or reach it in a
/// dictionary by reference.
/// </summary>
internal struct Recipients : IEnumerable<IActorRef>
{
    private IActorRef? _one;
    // Made with the second recipient, and kept from then on: a set that grew once tends to grow again.
    private HashSet<IActorRef>? _many;

    public readonly int Count => _many?.Count ?? (_one is null ? 0 : 1);

    /// <summary>False when it was kept already.</summary>
    public bool Add(IActorRef recipient)
    {
        if (_many is not null)
        {
            return _many.Add(recipient);
        }
        if (_one is null)
        {
            _one = recipient;
            return true;
        }
        if (_one.Equals(recipient))
        {
            return false;
        }
        _many = [_one, recipient];
        _one = null;
        return true;
    }

    public bool Remove(IActorRef recipient)
    {
        if (_many is not null)
        {
            return _many.Remove(recipient);
        }
        if (_one is null || !_one.Equals(recipient))
        {
            return false;
        }
        _one = null;
        return true;
    }

    public readonly bool Contains(IActorRef recipient) => _many?.Contains(recipient) ?? (_one is not null && _one.Equals(recipient));

    /// <summary>Enumerated as a struct: a small fan-out allocates nothing.</summary>
    public readonly Enumerator GetEnumerator() => new(_one, _many);

    readonly IEnumerator<IActorRef> IEnumerable<IActorRef>.GetEnumerator() => GetEnumerator();

    readonly IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public struct Enumerator : IEnumerator<IActorRef>
    {
        private readonly bool _inSet;
        private HashSet<IActorRef>.Enumerator _set;
        private IActorRef? _one;

        internal Enumerator(IActorRef? one, HashSet<IActorRef>? many)
        {
            _inSet = many is not null;
            _set = many?.GetEnumerator() ?? default;
            _one = one;
        }

        public IActorRef Current { get; private set; } = null!;

        readonly object IEnumerator.Current => Current;

        public bool MoveNext()
        {
            if (_inSet)
            {
                var moved = _set.MoveNext();
                Current = moved ? _set.Current : null!;
                return moved;
            }
            if (_one is null)
            {
                return false;
            }
            Current = _one;
            _one = null;
            return true;
        }

        public readonly void Reset() => throw new NotSupportedException();

        public readonly void Dispose()
        {
        }
    }
}
