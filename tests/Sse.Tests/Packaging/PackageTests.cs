using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Sse.Tests.Docs;
using Sse.Tests.Http;

namespace Sse.Tests.Packaging;

/// <summary>
/// Packing compiles, and a fresh app restores, builds and runs: minutes of both cores. These tests run alone, after
/// the tests that run in parallel, so they neither slow the timing-sensitive ones nor wait on them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PackagingCollection
{
    public const string Name = "Packaging";
}

/// <summary>
/// The packages as a user meets them: <c>dotnet pack</c> output with its metadata, and fresh projects from the
/// <c>dotnet new</c> templates that take the packages from a local folder feed with <c>dotnet add package</c>.
/// </summary>
[Collection(PackagingCollection.Name)]
[Trait("Category", TestCategories.Packaging)]
public sealed partial class PackageTests(LocalPackageFeed feed) : IClassFixture<LocalPackageFeed>
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromMinutes(1);

    [Theory]
    [InlineData("Sse.Actors")]
    [InlineData("Sse.Actors.TestKit")]
    public void A_package_carries_its_metadata_readme_license_and_symbols(string id)
    {
        using var package = ZipFile.OpenRead(feed.PackageFile(id, "nupkg"));
        var nuspec = Nuspec(package, id);

        Assert.Equal(id, Metadata(nuspec, "id").Value);
        Assert.Equal(feed.Version, Metadata(nuspec, "version").Value);
        Assert.NotEmpty(Metadata(nuspec, "authors").Value);
        Assert.NotEmpty(Metadata(nuspec, "description").Value);
        Assert.Contains("server-sent-events", Metadata(nuspec, "tags").Value.Split(' '));
        Assert.Equal(("expression", "MIT"), ((string?)Metadata(nuspec, "license").Attribute("type"), Metadata(nuspec, "license").Value));
        Assert.StartsWith("https://", (string?)Metadata(nuspec, "repository").Attribute("url"));
        Assert.Equal("README.md", Metadata(nuspec, "readme").Value);
        Assert.Equal(RepositoryFiles.Read("README.md"), Read(package, "README.md"));
        Assert.NotNull(package.GetEntry($"lib/net10.0/{id}.dll"));
        Assert.NotNull(package.GetEntry($"lib/net10.0/{id}.xml"));
        using var symbols = ZipFile.OpenRead(feed.PackageFile(id, "snupkg"));
        Assert.NotNull(symbols.GetEntry($"lib/net10.0/{id}.pdb"));
    }

    [Fact]
    public void The_testkit_package_depends_on_Sse_Actors_of_its_own_version()
    {
        using var package = ZipFile.OpenRead(feed.PackageFile("Sse.Actors.TestKit", "nupkg"));

        var dependency = Assert.Single(Nuspec(package, "Sse.Actors.TestKit").Descendants(), e => (string?)e.Attribute("id") == "Sse.Actors");

        Assert.Equal(feed.Version, (string?)dependency.Attribute("version"));
    }

    [Fact]
    public async Task A_fresh_web_app_with_the_package_streams_an_event_sent_through_send()
    {
        var project = await feed.NewProjectAsync("web", "FreshWebApp");
        await DotnetAsync(project, "add", "package", "Sse.Actors", "--version", feed.Version);
        await File.WriteAllTextAsync(Path.Combine(project, "Program.cs"), TwoCallProgram());
        await DotnetAsync(project, "build");

        await using var app = DotnetProcess.Start(project, new Dictionary<string, string?>(feed.Environment) { ["ASPNETCORE_ENVIRONMENT"] = "Development" },
            Path.Combine("bin", "Debug", "net10.0", "FreshWebApp.dll"), "--urls=http://127.0.0.1:0");
        try
        {
            var address = (await app.WaitForLineAsync(ListeningOn(), StartLimit)).Groups[1].Value;
            using var client = new HttpClient { BaseAddress = new Uri(address), Timeout = Timeout.InfiniteTimeSpan };
            var user = Guid.NewGuid().ToString();
            await using var stream = await OpenOnceAcceptedAsync(client, BrokerHost.StreamPath(user));

            using var sent = await client.PostAsJsonAsync("/api/v1/sse/send",
                new { target_type = "user", user_id = user, @event = "greeting", data = "from the package" });

            Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
            var greeting = await stream.NextEventAsync();
            Assert.Equal(("greeting", "from the package"), (greeting.EventType, greeting.Data));
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}\n--- the fresh app ---\n{app.Transcript}", e);
        }
    }

    [Fact]
    public async Task A_fresh_xunit_project_with_the_testkit_package_hears_an_event_on_a_probe()
    {
        var project = await feed.NewProjectAsync("xunit", "FreshBrokerTests");
        File.Delete(Path.Combine(project, "UnitTest1.cs"));
        await DotnetAsync(project, "add", "package", "Sse.Actors.TestKit", "--version", feed.Version);
        await DotnetAsync(project, "add", "package", "Akka.TestKit.Xunit2", "--version", feed.AkkaVersion);
        await File.WriteAllTextAsync(Path.Combine(project, "BrokerTests.cs"), ProbeTest);

        var output = await DotnetAsync(project, "test", "--logger", "console;verbosity=normal");

        Assert.Contains("Passed BrokerTests.A_sent_event_reaches_the_listening_probe", output);
    }

    /// <summary>What a user's first test with the TestKit package looks like (docs/embedding.md, "Testing your services").</summary>
    private const string ProbeTest = """
        using Akka.TestKit.Xunit2;
        using Sse.Actors.TestKit;

        public sealed class BrokerTests : TestKit
        {
            [Fact]
            public async Task A_sent_event_reaches_the_listening_probe()
            {
                await using var sse = await SseTestBroker.StartAsync();
                var user = "alice";
                var browser = CreateTestProbe();
                await sse.ListenAsUserAsync(browser, user);

                await sse.Broker.SendToUserAsync(user, "greeting", "from the package");

                var received = browser.ExpectMsg<ReceivedSseEvent>(e => e.EventType == "greeting");
                Assert.Equal("from the package", received.Data);
            }
        }
        """;

    private Task<string> DotnetAsync(string project, params string[] arguments) =>
        DotnetProcess.RunAsync(project, feed.Environment, LocalPackageFeed.CommandLimit, arguments);

    /// <summary>The Program.cs of docs/embedding.md's "Two calls", as a user copies it.</summary>
    private static string TwoCallProgram()
    {
        var page = RepositoryFiles.Read("docs/embedding.md");
        var section = page.IndexOf("## Two calls", StringComparison.Ordinal);
        Assert.True(section >= 0, "docs/embedding.md has no \"## Two calls\" section; point this test at the page's two-call Program.cs");
        return FirstCSharpBlock().Match(page, section).Groups[1].Value;
    }

    /// <summary>Opens a stream and reads its welcome; until the node's cluster is up the stream may be refused (503).</summary>
    private static async Task<SseStream> OpenOnceAcceptedAsync(HttpClient client, string path)
    {
        var deadline = DateTime.UtcNow + StartLimit;
        while (true)
        {
            SseStream? stream = null;
            try
            {
                stream = await SseStream.OpenAsync(client, path);
                await stream.WelcomeAsync();
                return stream;
            }
            catch (InvalidOperationException) when (DateTime.UtcNow < deadline)
            {
                if (stream is not null)
                {
                    await stream.DisposeAsync();
                }
                await Task.Delay(TimeSpan.FromMilliseconds(200));
            }
        }
    }

    private static XElement Nuspec(ZipArchive package, string id) => XDocument.Parse(Read(package, $"{id}.nuspec")).Root!;

    private static XElement Metadata(XElement nuspec, string name) =>
        nuspec.Elements().Single(e => e.Name.LocalName == "metadata").Elements().Single(e => e.Name.LocalName == name);

    private static string Read(ZipArchive package, string entry)
    {
        using var reader = new StreamReader(package.GetEntry(entry)!.Open());
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningOn();

    [GeneratedRegex(@"```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex FirstCSharpBlock();
}
