using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Sse.Tests.Packaging;

/// <summary>
/// A <c>dotnet</c> command as a user runs it in a shell, from inside the test run: bounded in time, killed with
/// its children when the test ends or gives up, and its output kept for the failure message.
/// </summary>
internal sealed class DotnetProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _command;
    private readonly ConcurrentQueue<string> _lines = new();

    private DotnetProcess(Process process, string command)
    {
        _process = process;
        _command = command;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Standard output and error, line by line as they came.</summary>
    public string Output => string.Join('\n', _lines);

    /// <summary>The command line and what it wrote, for a failure message.</summary>
    public string Transcript => $"$ {_command}\n{Output}";

    /// <param name="environment">Variables to set (a null value removes one) over the test run's own.</param>
    public static DotnetProcess Start(string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        // `dotnet test` hands its test host MSBuild and test-platform variables that would steer a nested build or test run.
        foreach (var inherited in info.Environment.Keys.Where(IsTestRunVariable).ToList())
        {
            info.Environment.Remove(inherited);
        }
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        // No build servers left behind: they would outlive the test and keep its output pipes open.
        info.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        info.Environment["UseSharedCompilation"] = "false";
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }
        var process = new Process { StartInfo = info };
        return new DotnetProcess(process, $"(cd {workingDirectory} && dotnet {string.Join(' ', arguments)})");
    }

    /// <summary>Runs a command to its end; fails the test with its transcript when it fails or outlives <paramref name="limit"/>.</summary>
    public static async Task<string> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string?> environment, TimeSpan limit, params string[] arguments)
    {
        await using var command = Start(workingDirectory, environment, arguments);
        if (!await command.ExitsWithinAsync(limit))
        {
            throw new Xunit.Sdk.XunitException($"not done within {limit}:\n{command.Transcript}");
        }
        if (command._process.ExitCode != 0)
        {
            throw new Xunit.Sdk.XunitException($"exit code {command._process.ExitCode}:\n{command.Transcript}");
        }
        return command.Output;
    }

    /// <summary>Waits for a line that matches <paramref name="pattern"/> and returns its match.</summary>
    public async Task<Match> WaitForLineAsync(Regex pattern, TimeSpan limit)
    {
        var match = Match.Empty;
        await Eventually.HoldsAsync(() => (match = pattern.Match(Output)).Success || _process.HasExited, limit,
            () => $"no line matched {pattern}:\n{Transcript}");
        return match.Success ? match : throw new Xunit.Sdk.XunitException($"ended before a line matched {pattern}:\n{Transcript}");
    }

    /// <summary>True once the process ended and its output is read to the end.</summary>
    private async Task<bool> ExitsWithinAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static bool IsTestRunVariable(string name) =>
        name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("TESTINGPLATFORM", StringComparison.OrdinalIgnoreCase);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _lines.Enqueue(line);
        }
    }
}
