using Sse.Tests.HistoryStore;
using Xunit;

namespace Sse.Tests.Cluster;

/// <summary>
/// The tests that start several nodes run one class at a time: three nodes (or three processes) per
/// class is what two cores carry while the single-node tests run beside them. The cluster with a
/// durable history store shares this collection's PostgreSQL server.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "Cluster";
}
