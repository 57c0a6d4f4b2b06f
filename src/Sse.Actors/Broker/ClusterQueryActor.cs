using Akka.Actor;
using Akka.Cluster;
using Sse.Actors.Settings;
using static Sse.Actors.Broker.BrokerQueries;

namespace Sse.Actors.Broker;

/// <summary>
/// Answers one cluster-wide question: asks the broker of every Up member for its report, then
/// answers with what came back by the deadline (naming the members that stayed silent) and stops.
/// </summary>
internal sealed class ClusterQueryActor : ReceiveActor, IWithTimers
{
    private readonly IActorRef _replyTo;
    private readonly object _question;
    private readonly BrokerSettings _settings;
    private readonly HashSet<string> _waitingFor;
    private readonly List<NodeReport> _reports = [];

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

        localBroker.Tell(GetNodeReport.Instance);
        foreach (var address in others)
        {
            Context.ActorSelection(new RootActorPath(address) / "user" / BrokerActor.Name).Tell(GetNodeReport.Instance);
        }
        Receive<NodeReport>(report =>
        {
            if (_waitingFor.Remove(report.Stats.Node))
            {
                _reports.Add(report);
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
        var users = _reports.SelectMany(r => r.Users).Distinct().ToArray();
        _replyTo.Tell(_question switch
        {
            GetOnlineUsers => new OnlineUsers(users),
            _ => Stats(users.Length),
        });
        Context.Stop(Self);
    }

    private SseStats Stats(int users) => new(
        TotalClients: _reports.Sum(r => r.Stats.TotalClients),
        TotalUsers: users,
        TotalTopics: _reports.SelectMany(r => r.Topics).Distinct().Count(),
        IsRunning: _reports.Count > 0 && _reports.All(r => r.Stats.IsRunning),
        BufferSize: _settings.Clients.BufferSize,
        MaxConnections: _settings.MaxConnections,
        MaxConnectionsPerUser: _settings.MaxConnectionsPerUser,
        ConnectionsAccepted: _reports.Sum(r => r.Stats.ConnectionsAccepted),
        ConnectionsRefused: _reports.Sum(r => r.Stats.ConnectionsRefused),
        SlowConsumerDisconnects: _reports.Sum(r => r.Stats.SlowConsumerDisconnects),
        Nodes: [.. _reports.Select(r => r.Stats).OrderBy(s => s.Node, StringComparer.Ordinal)],
        NodesNotAnswering: [.. _waitingFor.Order(StringComparer.Ordinal)]);

    private sealed class Deadline : INoSerializationVerificationNeeded
    {
        public static readonly Deadline Instance = new();
    }
}
