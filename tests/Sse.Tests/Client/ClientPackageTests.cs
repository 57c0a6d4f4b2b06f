using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using Sse.Tests.Docs;

namespace Sse.Tests.Client;

/// <summary>
/// clients/browser as a package: versioned with the server, no runtime dependencies, small, and installable from
/// the tarball <c>npm pack</c> makes into a fresh project that imports it.
/// </summary>
[Trait("Category", TestCategories.Packaging)]
public sealed partial class ClientPackageTests
{
    private const string Folder = "clients/browser";

    private static JsonElement Manifest => JsonDocument.Parse(RepositoryFiles.Read($"{Folder}/package.json")).RootElement;

    [Fact]
    public void The_package_has_the_servers_version_and_no_runtime_dependencies()
    {
        var props = RepositoryFiles.Read("Directory.Build.props");
        var version = VersionPrefix().Match(props).Groups[1].Value + "-" + VersionSuffix().Match(props).Groups[1].Value;

        Assert.Equal(version, Manifest.GetProperty("version").GetString());
        Assert.False(Manifest.TryGetProperty("dependencies", out _), "the client must have no runtime dependencies");
        Assert.Equal("module", Manifest.GetProperty("type").GetString());
    }

    [Fact]
    public void The_module_is_under_5_kB_gzipped_as_it_ships_without_minifying()
    {
        var source = File.ReadAllBytes(RepositoryFiles.PathOf($"{Folder}/src/index.js"));
        using var gzipped = new MemoryStream();
        using (var gzip = new GZipStream(gzipped, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(source);
        }

        Assert.InRange(gzipped.Length, 1, 5 * 1024 - 1);
    }

    [Fact]
    public async Task Npm_pack_makes_a_tarball_that_a_fresh_project_installs_and_imports()
    {
        var work = Directory.CreateTempSubdirectory("sse-client-package-");
        try
        {
            var cache = Path.Combine(work.FullName, "npm-cache");
            await NpmAsync(work.FullName, cache, "pack", RepositoryFiles.PathOf(Folder), "--pack-destination", work.FullName);
            var tarball = Assert.Single(Directory.GetFiles(work.FullName, "*.tgz"));
            var app = Directory.CreateDirectory(Path.Combine(work.FullName, "app")).FullName;
            await File.WriteAllTextAsync(Path.Combine(app, "package.json"), """{ "name": "app", "version": "1.0.0", "type": "module", "private": true }""");

            // Offline: a package without dependencies needs nothing from a registry.
            await NpmAsync(app, cache, "install", "--offline", "--no-audit", "--no-fund", tarball);
            await File.WriteAllTextAsync(Path.Combine(app, "main.js"), """
                import { connect } from '@sse-broker/client';
                if (typeof connect !== 'function') throw new Error('connect is not exported');
                console.log('imported');
                """);
            var output = await RunAsync(app, cache, "node", "main.js");

            Assert.Contains("imported", output);
            Assert.True(File.Exists(Path.Combine(app, "node_modules", "@sse-broker", "client", "src", "index.d.ts")), "the types are not in the package");
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static Task<string> NpmAsync(string directory, string cache, params string[] arguments) => RunAsync(directory, cache, "npm", arguments);

    private static async Task<string> RunAsync(string directory, string cache, string command, params string[] arguments)
    {
        var info = new ProcessStartInfo(command) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        info.Environment["npm_config_cache"] = cache;
        info.Environment["npm_config_update_notifier"] = "false";
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{command} did not start (tests/run installs npm)");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        var transcript = $"$ {command} {string.Join(' ', arguments)}\n{await output}\n{await error}";
        Assert.True(process.ExitCode == 0, transcript);
        return transcript;
    }

    [GeneratedRegex("<VersionPrefix>([^<]+)</VersionPrefix>")]
    private static partial Regex VersionPrefix();

    [GeneratedRegex("<VersionSuffix>([^<]+)</VersionSuffix>")]
    private static partial Regex VersionSuffix();
}
