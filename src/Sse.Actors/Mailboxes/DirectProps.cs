using Akka.Actor;

namespace Sse.Actors.Mailboxes;

/// <summary>
/// Props whose actor is made by a plain constructor call, for the actors a node makes one of per connection or per
/// stream. <c>Props.Create(() =&gt; new T(…))</c> builds an expression tree, reads its arguments back by reflection
/// and creates the actor through <see cref="Activator"/>: 2–3 kB of garbage and a reflective call per actor (measured
/// over 10k connects, two actors each).
/// </summary>
public abstract class DirectProps : Props
{
    private protected DirectProps(Props copy) : base(copy)
    {
    }

    /// <summary>The same props on <paramref name="deploy"/> (without <c>WithDeploy</c>'s merge, which makes a new deploy each time).</summary>
    internal abstract DirectProps On(Deploy deploy);

    /// <summary>Props that make a <typeparamref name="TActor"/> with <c>create(args)</c>; <paramref name="create"/> should be a static lambda.</summary>
    public static DirectProps Of<TActor, TArgs>(TArgs args, Func<TArgs, TActor> create) where TActor : ActorBase =>
        new DirectProps<TActor, TArgs>(args, create);
}

/// <inheritdoc cref="DirectProps"/>
internal sealed class DirectProps<TActor, TArgs> : DirectProps where TActor : ActorBase
{
    // Gives the props their actor type (for the mailbox's requirements and logs); its own producer is never called.
    private static readonly Props Template = Create<TActor>();

    private readonly TArgs _args;
    private readonly Func<TArgs, TActor> _create;

    public DirectProps(TArgs args, Func<TArgs, TActor> create) : base(Template)
    {
        _args = args;
        _create = create;
    }

    private DirectProps(DirectProps<TActor, TArgs> copy) : base(copy)
    {
        _args = copy._args;
        _create = copy._create;
    }

    public override ActorBase NewActor() => _create(_args);

    internal override DirectProps On(Deploy deploy) => new DirectProps<TActor, TArgs>(this) { Deploy = deploy };

    // Akka's With… methods copy through here: the copy must still make the actor directly.
    protected override Props Copy() => new DirectProps<TActor, TArgs>(this);
}
