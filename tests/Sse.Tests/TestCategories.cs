namespace Sse.Tests;

/// <summary>
/// The <c>Category</c> trait of every test class (<c>[Trait("Category", TestCategories.Unit)]</c>), one per class, so a
/// slice runs alone: <c>tests/run --filter "Category=Unit|Category=Http"</c> is the quick one. A class takes the first
/// of these that it does, in the order Chaos, Browser, Database, Cluster, Packaging, Http, Unit.
/// </summary>
public static class TestCategories
{
    /// <summary>In-process: actors under TestKit, plain classes, the repository's files. No listening socket but one actor system's.</summary>
    public const string Unit = "Unit";

    /// <summary>One broker (or several independent ones) on real Kestrel on loopback, in this process.</summary>
    public const string Http = "Http";

    /// <summary>Several nodes: actor systems joined over remoting on loopback, or host processes. They share a PostgreSQL server.</summary>
    public const string Cluster = "Cluster";

    /// <summary>Headless Chromium (Debian's <c>chromium</c>) drives the demo page or the browser client.</summary>
    public const string Browser = "Browser";

    /// <summary>The durable history store on a real database: a PostgreSQL server started from Debian's binaries, or SQLite files.</summary>
    public const string Database = "Database";

    /// <summary>A node is killed (SIGKILL) or frozen (SIGSTOP) while the others are watched.</summary>
    public const string Chaos = "Chaos";

    /// <summary>The packages as a user gets them: <c>dotnet pack</c> into fresh <c>dotnet new</c> projects, <c>npm pack</c>.</summary>
    public const string Packaging = "Packaging";
}
