using System.Text.RegularExpressions;
using Sse.Tests.Docs;

namespace Sse.Tests.Packaging;

/// <summary>
/// deploy/Dockerfile as far as it can be checked without a container runtime: docs/deployment.md shows it as it is,
/// and its build stage copies every project and file the host builds from.
/// </summary>
[Trait("Category", TestCategories.Unit)]
public sealed partial class ContainerImageTests
{
    private const string Dockerfile = "deploy/Dockerfile";

    [Fact]
    public void The_deployment_page_shows_the_Dockerfile_as_it_is()
    {
        var block = DockerfileBlock().Match(RepositoryFiles.Read("docs/deployment.md"));

        Assert.True(block.Success, "docs/deployment.md has no ```dockerfile block");
        Assert.Equal(RepositoryFiles.Read(Dockerfile).ReplaceLineEndings("\n"), block.Groups[1].Value.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void The_Dockerfile_copies_every_project_the_host_builds_from()
    {
        var copied = CopiedPaths();

        Assert.All(copied, path => Assert.True(File.Exists(RepositoryFiles.PathOf(path)) || Directory.Exists(RepositoryFiles.PathOf(path)), $"{path} is not in the repository"));
        Assert.Contains("Directory.Build.props", copied);
        Assert.Contains("Directory.Packages.props", copied);
        Assert.Contains("akka.hocon", copied);   // linked into the host's output
        foreach (var project in ProjectsOf("src/Sse.Host/Sse.Host.csproj"))
        {
            Assert.Contains(project, copied);                                  // for the restore layer
            Assert.Contains(project[..(project.LastIndexOf('/') + 1)], copied); // its sources
        }
    }

    /// <summary>The repository paths the build stage copies, as written (folders end with '/').</summary>
    private static List<string> CopiedPaths() =>
        [.. CopyInstruction().Matches(RepositoryFiles.Read(Dockerfile))
            .SelectMany(copy => copy.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipLast(1))];

    /// <summary>The project and every project it references, directly or not, as repository paths.</summary>
    private static IEnumerable<string> ProjectsOf(string project)
    {
        yield return project;
        var folder = Path.GetDirectoryName(RepositoryFiles.PathOf(project))!;
        foreach (Match reference in ProjectReference().Matches(RepositoryFiles.Read(project)))
        {
            var path = Path.GetFullPath(Path.Combine(folder, reference.Groups[1].Value.Replace('\\', Path.DirectorySeparatorChar)));
            foreach (var referenced in ProjectsOf(Path.GetRelativePath(RepositoryFiles.Root, path).Replace(Path.DirectorySeparatorChar, '/')))
            {
                yield return referenced;
            }
        }
    }

    [GeneratedRegex(@"```dockerfile\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex DockerfileBlock();

    /// <summary>COPY from the build context (not <c>--from</c> another stage): its sources, then its destination.</summary>
    [GeneratedRegex(@"^COPY (?!--)(.+)$", RegexOptions.Multiline)]
    private static partial Regex CopyInstruction();

    [GeneratedRegex(@"<ProjectReference Include=""([^""]+)""")]
    private static partial Regex ProjectReference();
}
