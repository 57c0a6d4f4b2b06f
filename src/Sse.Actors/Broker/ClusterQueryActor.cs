using Akka.Actor;
using Akka.Cluster;
using Sse.Actors.Settings;
using static Sse.Actors.Broker.BrokerQueries;

namespace Sse.Actors.Broker;

/// <summary>
/// Answers one cluster-wide question: asks the broker of every Up member for its part (a report of numbers, or its
/// part of a page of online users), then answers with what came back by the deadline (naming the members that stayed
/// silent) and stops.
/// </summary>
internal sealed class ClusterQueryActor : ReceiveActor, IWithTimers
{
    private readonly IActorRef _replyTo;
    private readonly object _question;
    private readonly BrokerSettings _settings;
    private readonly HashSet<string> _waitingFor;
    private readonly List<INodeAnswer> _answers = [];

    public ClusterQueryActor(IActorRef replyTo, object question, IActorRef localBroker, BrokerSettings settings)
    {
        _replyTo = replyTo;
        _question = question;
        _settings = settings;
        var cluster = Cluster.Get(Context.System);
        var others = cluster.State.Members
            .Where(member => member.Status == MemberStatus.Up && member.Address != cluster.SelfAddress)
            .Select(member => member.Address)
            .ToList();
        _waitingFor = [cluster.SelfAddress.ToString(), .. others.Select(address => address.ToString())];

        object nodeQuestion = question is GetOnlineUsers page ? OnlineUserPages.NodeQuestion(page) : GetNodeReport.Instance;
        localBroker.Tell(nodeQuestion);
        foreach (var address in others)
        {
            Context.ActorSelection(new RootActorPath(address) / "user" / BrokerActor.Name).Tell(nodeQuestion);
        }
        Receive<INodeAnswer>(answer =>
        {
            if (_waitingFor.Remove(answer.Node))
            {
                _answers.Add(answer);
            }
            if (_waitingFor.Count == 0)
            {
                Answer();
            }
        });
        Receive<Deadline>(_ => Answer());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef replyTo, object question, IActorRef localBroker, BrokerSettings settings) =>
        Akka.Actor.Props.Create(() => new ClusterQueryActor(replyTo, question, localBroker, settings));

    protected override void PreStart() => Timers.StartSingleTimer("deadline", Deadline.Instance, _settings.QueryTimeout);

    private void Answer()
    {
        _replyTo.Tell(_question switch
        {
            GetOnlineUsers page => OnlineUserPages.Merge(page, _answers.OfType<NodeOnlineUsers>().Select(answer => answer.UserIds)),
            _ => Stats([.. _answers.OfType<NodeReport>()]),
        });
        Context.Stop(Self);
    }

    // Each user and topic is counted by the one node that hosts its entity: the sums count each once.
    private SseStats Stats(List<NodeReport> reports) => new(
        TotalClients: reports.Sum(r => r.Stats.TotalClients),
        TotalUsers: reports.Sum(r => r.ActiveUsers),
        TotalTopics: reports.Sum(r => r.ActiveTopics),
        IsRunning: reports.Count > 0 && reports.All(r => r.Stats.IsRunning),
        BufferSize: _settings.Clients.BufferSize,
        MaxConnections: _settings.MaxConnections,
        MaxConnectionsPerUser: _settings.MaxConnectionsPerUser,
        ConnectionsAccepted: reports.Sum(r => r.Stats.ConnectionsAccepted),
        ConnectionsRefused: reports.Sum(r => r.Stats.ConnectionsRefused),
        SlowConsumerDisconnects: reports.Sum(r => r.Stats.SlowConsumerDisconnects),
        Nodes: [.. reports.Select(r => r.Stats).OrderBy(s => s.Node, StringComparer.Ordinal)],
        NodesNotAnswering: [.. _waitingFor.Order(StringComparer.Ordinal)]);

    private sealed class Deadline : INoSerializationVerificationNeeded
    {
        public static readonly Deadline Instance = new();
    }
}
