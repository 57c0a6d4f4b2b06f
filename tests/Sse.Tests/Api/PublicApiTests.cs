using System.Text.RegularExpressions;
using PublicApiGenerator;
using Sse.Actors.Api;
using Sse.Tests.Docs;

namespace Sse.Tests.Api;

/// <summary>
/// The public surface of the Sse.Actors package, pinned as Akka.Hosting pins its own: a change to it is a change to
/// <c>Sse.Actors.approved.txt</c> that a reviewer sees.
/// </summary>
[Trait("Category", TestCategories.Unit)]
public sealed partial class PublicApiTests
{
    private const string Approved = "tests/Sse.Tests/Api/Sse.Actors.approved.txt";
    private const string Received = "tests/Sse.Tests/Api/Sse.Actors.received.txt";

    [Fact]
    public void The_public_API_of_Sse_Actors_is_the_approved_one()
    {
        var api = Normalize(typeof(ISseBroker).Assembly.GeneratePublicApi());
        var approved = File.Exists(RepositoryFiles.PathOf(Approved)) ? Normalize(RepositoryFiles.Read(Approved)) : "";
        if (api == approved)
        {
            File.Delete(RepositoryFiles.PathOf(Received));
            return;
        }

        File.WriteAllText(RepositoryFiles.PathOf(Received), api);
        var apiLines = api.Split('\n');
        var approvedLines = approved.Split('\n');
        var changes = approvedLines.Except(apiLines).Select(line => "- " + line).Concat(apiLines.Except(approvedLines).Select(line => "+ " + line));
        Assert.Fail($"The public API of Sse.Actors is not {Approved}: it was written to {Received}. If the change is meant, approve it " +
            $"(from the repository's root: cp {Received} {Approved}) and commit the approved file.\n{string.Join("\n", changes.Take(40))}");
    }

    /// <summary>The same text on every machine: one kind of line end, no trailing spaces, no version numbers.</summary>
    private static string Normalize(string api) =>
        string.Join("\n", api.ReplaceLineEndings("\n").Split('\n').Select(line => line.TrimEnd()).Where(line => !VersionAttribute().IsMatch(line)))
            .Trim() + "\n";

    [GeneratedRegex(@"^\[assembly: System\.Reflection\.Assembly(File|Informational)?Version\(")]
    private static partial Regex VersionAttribute();
}
