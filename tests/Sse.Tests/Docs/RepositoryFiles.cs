namespace Sse.Tests.Docs;

/// <summary>The repository's own files, found from the test's output directory.</summary>
internal static class RepositoryFiles
{
    public static readonly string Root = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    /// <summary>README.md and every page under docs/, as paths relative to the root.</summary>
    public static IEnumerable<string> Documentation() =>
        Directory.GetFiles(PathOf("docs"), "*.md")
            .Select(path => Path.GetRelativePath(Root, path).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)
            .Prepend("README.md");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Actors.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"Actors.sln not found above {AppContext.BaseDirectory}");
    }
}
