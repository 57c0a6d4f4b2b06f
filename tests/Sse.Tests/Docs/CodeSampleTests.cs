using System.Text;
using System.Text.RegularExpressions;

namespace Sse.Tests.Docs;

/// <summary>
/// Every C# block in README.md and docs/*.md is code the build compiles: its lines appear, one
/// after another, in a file under tests/Sse.Tests/Docs/Samples once that file's lines marked
/// <c>// scaffold</c> are left out. Lines are compared trimmed, with runs of spaces as one, and
/// blank lines are ignored.
/// </summary>
[Trait("Category", TestCategories.Unit)]
public sealed partial class CodeSampleTests
{
    private const string SamplesFolder = "tests/Sse.Tests/Docs/Samples";

    [Fact]
    public void Every_csharp_block_in_the_docs_is_in_a_compiled_sample_file()
    {
        var samples = SampleFiles();
        var problems = new StringBuilder();
        foreach (var block in CSharpBlocks())
        {
            if (!samples.Any(sample => IndexOf(sample.Lines, block.Lines) >= 0))
            {
                problems.AppendLine(Explain(block, samples));
            }
        }

        Assert.True(problems.Length == 0,
            $"These C# blocks are not compiled code. Copy each into a file under {SamplesFolder} (mark the lines that only make it compile with // scaffold), or make the block match the sample again:\n{problems}");
    }

    [Fact]
    public void Every_sample_file_backs_a_block_in_the_docs()
    {
        var blocks = CSharpBlocks().ToList();

        var unused = SampleFiles().Where(sample => !blocks.Any(block => IndexOf(sample.Lines, block.Lines) >= 0)).Select(sample => sample.Name);

        Assert.Empty(unused);
    }

    [Fact]
    public void The_docs_have_csharp_blocks_to_check()
    {
        Assert.Contains(CSharpBlocks(), block => block.Source.StartsWith("README.md:", StringComparison.Ordinal));
    }

    private sealed record Block(string Source, IReadOnlyList<string> Lines);

    private sealed record Sample(string Name, IReadOnlyList<string> Lines);

    private static IEnumerable<Block> CSharpBlocks()
    {
        foreach (var document in RepositoryFiles.Documentation())
        {
            var lines = RepositoryFiles.Read(document).Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                if (!CSharpFence().IsMatch(lines[i]))
                {
                    continue;
                }
                var start = i + 1;
                var end = start;
                while (end < lines.Length && lines[end].Trim() != "```")
                {
                    end++;
                }
                yield return new Block($"{document}:{start}", Normalize(lines[start..end]));
                i = end;
            }
        }
    }

    private static List<Sample> SampleFiles() =>
        [.. Directory.GetFiles(RepositoryFiles.PathOf(SamplesFolder), "*.cs")
            .Order(StringComparer.Ordinal)
            .Select(path => new Sample(Path.GetFileName(path), Normalize(File.ReadAllLines(path).Where(line => !line.Contains("// scaffold", StringComparison.Ordinal)))))];

    private static List<string> Normalize(IEnumerable<string> lines) =>
        [.. lines.Select(line => Spaces().Replace(line.Trim(), " ")).Where(line => line.Length > 0)];

    private static int IndexOf(IReadOnlyList<string> sample, IReadOnlyList<string> block)
    {
        for (var start = 0; block.Count > 0 && start + block.Count <= sample.Count; start++)
        {
            if (MatchingLines(sample, start, block) == block.Count)
            {
                return start;
            }
        }
        return -1;
    }

    private static int MatchingLines(IReadOnlyList<string> sample, int start, IReadOnlyList<string> block)
    {
        var matched = 0;
        while (matched < block.Count && start + matched < sample.Count && sample[start + matched] == block[matched])
        {
            matched++;
        }
        return matched;
    }

    /// <summary>Names the sample that matches the longest start of the block, and the first line that differs.</summary>
    private static string Explain(Block block, IEnumerable<Sample> samples)
    {
        if (block.Lines.Count == 0)
        {
            return $"- {block.Source}: the block is empty";
        }
        var (sample, start, matched) = samples
            .SelectMany(s => Enumerable.Range(0, s.Lines.Count).Select(i => (Sample: s, Start: i, Matched: MatchingLines(s.Lines, i, block.Lines))))
            .MaxBy(candidate => candidate.Matched);
        if (matched == 0)
        {
            return $"- {block.Source}: no sample file has its first line `{block.Lines[0]}`";
        }
        var sampleLine = start + matched < sample.Lines.Count ? sample.Lines[start + matched] : "(end of file)";
        return $"- {block.Source}: {sample.Name} has its first {matched} lines, then the doc has `{block.Lines[matched]}` where the sample has `{sampleLine}`";
    }

    [GeneratedRegex(@"^\s*```\s*(csharp|cs|c#)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex CSharpFence();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
