using System.Text.RegularExpressions;
using Sse.Tests.Docs;

namespace Sse.Tests.Packaging;

/// <summary>
/// <c>Sse.Actors</c> and <c>Sse.Actors.TestKit</c> packed from this repository's sources into a local folder feed in a
/// temporary directory, with a version of their own (so no NuGet cache serves an older build), and the place where
/// fresh projects are made to use them as a user would: a <c>nuget.config</c> that adds the feed to the machine's
/// own sources, and a packages folder of their own (so the user's cache gets nothing of this test's).
/// </summary>
public sealed partial class LocalPackageFeed : IAsyncLifetime
{
    /// <summary>A first pack compiles both projects; a loaded two-core machine needs a while for it.</summary>
    public static readonly TimeSpan PackLimit = TimeSpan.FromMinutes(4);

    public static readonly TimeSpan CommandLimit = TimeSpan.FromMinutes(3);

    public string Root { get; } = Path.Combine(Path.GetTempPath(), $"sse-packages-{Guid.NewGuid():N}");

    public string Feed => Path.Combine(Root, "feed");

    public string Version { get; } = $"0.0.0-test.{DateTime.UtcNow.Ticks}";

    /// <summary>The Akka.NET version the repository builds with (Directory.Packages.props).</summary>
    public string AkkaVersion { get; } = AkkaVersionProperty().Match(RepositoryFiles.Read("Directory.Packages.props")).Groups[1].Value;

    /// <summary>The environment of a command run on a fresh project: its own packages folder, restored from the feed and the machine's sources.</summary>
    public IReadOnlyDictionary<string, string?> Environment => new Dictionary<string, string?>
    {
        ["NUGET_PACKAGES"] = Path.Combine(Root, "packages"),
    };

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Feed);
        foreach (var project in new[] { "src/Sse.Actors/Sse.Actors.csproj", "src/Sse.Actors.TestKit/Sse.Actors.TestKit.csproj" })
        {
            // Built into the temporary directory (--artifacts-path), so the repository's own bin/ and obj/ stay as they are.
            await DotnetProcess.RunAsync(RepositoryFiles.Root, new Dictionary<string, string?>(), PackLimit,
                "pack", RepositoryFiles.PathOf(project), "-c", "Release", "-o", Feed, "--artifacts-path", Path.Combine(Root, "artifacts"),
                $"-p:Version={Version}");
        }
        // Read by every project below Root, on top of the user's and the machine's NuGet.Config.
        await File.WriteAllTextAsync(Path.Combine(Root, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="sse-local" value="{Feed}" />
              </packageSources>
            </configuration>
            """);
    }

    /// <summary>The path of a package file in the feed, e.g. <c>Sse.Actors</c> and <c>nupkg</c>.</summary>
    public string PackageFile(string id, string extension) => Path.Combine(Feed, $"{id}.{Version}.{extension}");

    /// <summary><c>dotnet new</c> with a template into a new folder under <see cref="Root"/>; returns the folder.</summary>
    public async Task<string> NewProjectAsync(string template, string name)
    {
        var folder = Path.Combine(Root, name);
        await DotnetProcess.RunAsync(Root, Environment, CommandLimit, "new", template, "-o", folder, "-n", name, "--no-restore");
        return folder;
    }

    public Task DisposeAsync()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
        return Task.CompletedTask;
    }

    [GeneratedRegex("<AkkaVersion>([^<]+)</AkkaVersion>")]
    private static partial Regex AkkaVersionProperty();
}
