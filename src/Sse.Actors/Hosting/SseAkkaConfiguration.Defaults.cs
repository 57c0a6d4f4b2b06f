using Akka.Configuration;

namespace Sse.Actors.Hosting;

public static partial class SseAkkaConfiguration
{
    /// <summary>
    /// The Akka.NET settings the broker is tuned for, applied under whatever the app sets (its own HOCON, <c>akka.hocon</c>,
    /// Akka.Hosting options) and over Akka.NET's own defaults. docs/configuration.md says why each.
    /// </summary>
    public static Config Defaults { get; } = ConfigurationFactory.ParseString(
        """
        akka {
          # A stopped connection still receiving for a moment is normal; say so only a few times.
          log-dead-letters = 10
          log-dead-letters-during-shutdown = off
          # A replay to another node and a node's stats are single messages: 128,000 B breaks stats at about 7k users a node.
          remote.dot-netty.tcp.maximum-frame-size = 4 MiB
          # Every subscription to an entity on another node is a remote death watch both ways, a system message each:
          # tens of thousands of reconnects within seconds overflow Akka's 20,000 and the nodes quarantine each other.
          remote.system-message-buffer-size = 200000
          cluster {
            # A lost node's streams record again within seconds: docs/cluster.md, "Failover timeline", has each step.
            # The side with the majority of nodes survives a partition; Sse:Cluster:DownUnreachableAfter sets stable-after.
            downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
            split-brain-resolver {
              active-strategy = keep-majority
              stable-after = 1500ms
            }
            # The fence (Streams/QuorumFence.cs) stops a cut-off node's streams recording once it stops hearing the majority,
            # before the others down it: shards and singletons need no margin after the downing. (0 or off: stable-after.)
            # While the coordinator waits out a margin it still names the dead node's region as its shards' home.
            down-removal-margin = 1ms
            # Remove a downed node and read the failure detector four times a second, not once, and spread the news
            # (the removal waits until every reachable node has seen the downing) twice a second.
            leader-actions-interval = 250ms
            unreachable-nodes-reaper-interval = 250ms
            gossip-interval = 500ms
            # Heartbeats twice a second; Sse:Cluster:FailureDetectionPause sets the pause.
            failure-detector {
              heartbeat-interval = 500ms
              acceptable-heartbeat-pause = 3s
            }
            # A handed-off shard's subscribers re-subscribe at once: keep hand-off short. A region asks a coordinator that
            # just moved for its shards' homes again after retry-interval.
            # A coordinator does nothing else while it writes its state, and the write needs every node of a small cluster
            # (majority-min-cap): one begun while a node is unreachable is retried after updating-state-timeout.
            sharding {
              handoff-timeout = 10s
              rebalance-interval = 10s
              retry-interval = 500ms
              updating-state-timeout = 1s
            }
          }
          # A region told, just after a node was removed, that a shard lives there (by a coordinator on a node that has not
          # heard of the removal yet) watches that region outside the cluster's membership, where only this detector ends the
          # watch: 10 s by default, and all that time the shard's messages go to the dead node. Nothing else watches outside it.
          remote.watch-failure-detector {
            heartbeat-interval = 250ms
            acceptable-heartbeat-pause = 500ms
            expected-response-after = 250ms
            unreachable-nodes-reaper-interval = 250ms
          }
          # The host's lifetime drives shutdown, in order: every stream gets `close`, the web server drains, then
          # coordinated shutdown. Akka.NET's own process-exit hook would stop the actors before the streams are closed.
          coordinated-shutdown.run-by-clr-shutdown-hook = off
        }
        """);
}
