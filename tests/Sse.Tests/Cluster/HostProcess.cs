using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Sse.Tests.Http;

namespace Sse.Tests.Cluster;

/// <summary>A real <c>Sse.Host</c> process on 127.0.0.1 (the build output next to the tests), for what only a process can show: SIGKILL.</summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly List<(DateTime At, string Line)> _lines = [];

    private HostProcess(Process process, int httpPort, int akkaPort)
    {
        _process = process;
        HttpPort = httpPort;
        AkkaPort = akkaPort;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = Timeout.InfiniteTimeSpan };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int HttpPort { get; }

    public int AkkaPort { get; }

    public string Address => $"akka.tcp://sse@127.0.0.1:{AkkaPort}";

    public HttpClient Client { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The first line of output received at or after <paramref name="since"/> that contains <paramref name="text"/>, and when it came.</summary>
    public DateTime? FirstLine(string text, DateTime since)
    {
        lock (_output)
        {
            foreach (var (at, line) in _lines)
            {
                if (at >= since && line.Contains(text, StringComparison.Ordinal))
                {
                    return at;
                }
            }
            return null;
        }
    }

    /// <param name="seed">The cluster's seed node; null: a single node that joins itself.</param>
    public static HostProcess Start(string? seed, int akkaPort, IDictionary<string, string> settings)
    {
        var httpPort = ClusterNodes.FreePort();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Sse.Host.dll"));
        info.ArgumentList.Add($"--urls=http://127.0.0.1:{httpPort}");
        info.ArgumentList.Add($"--Sse:Cluster:Port={akkaPort}");
        if (seed is not null)
        {
            info.ArgumentList.Add($"--Sse:Cluster:SeedNodes:0={seed}");
        }
        foreach (var (key, value) in settings)
        {
            info.ArgumentList.Add($"--{key}={value}");
        }
        return new HostProcess(Process.Start(info)!, httpPort, akkaPort);
    }

    /// <summary>
    /// Three hosts with the same settings: the seed first, ready before the others start, so it is the oldest (it holds the
    /// shard coordinators). The others may still be joining when it returns.
    /// </summary>
    public static async Task<List<HostProcess>> StartThreeAsync(IDictionary<string, string> settings)
    {
        var seedPort = ClusterNodes.FreePort();
        var seed = $"akka.tcp://sse@127.0.0.1:{seedPort}";
        var nodes = new List<HostProcess> { Start(seed, seedPort, settings) };
        try
        {
            await Eventually.HoldsAsync(() => nodes[0].IsReadyAsync(), TimeSpan.FromSeconds(60), "the seed ready");
        }
        catch
        {
            await nodes[0].DisposeAsync();
            throw;
        }
        nodes.Add(Start(seed, ClusterNodes.FreePort(), settings));
        nodes.Add(Start(seed, ClusterNodes.FreePort(), settings));
        return nodes;
    }

    /// <summary>Waits for <paramref name="condition"/> (a node not listening yet counts as false); fails with each node's last lines.</summary>
    public static async Task AwaitAsync(Func<Task<bool>> condition, TimeSpan limit, string what, IEnumerable<HostProcess> nodes)
    {
        await Eventually.HoldsAsync(async () =>
        {
            try
            {
                return await condition();
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, limit, () => Task.FromResult($"{what}; last output of each node:\n" +
            string.Join("\n---\n", nodes.Select(n => string.Join("\n", n.Output.Split('\n').TakeLast(15))))));
    }

    public async Task<SseStream> ConnectAsync(string userId, string? topics = null)
    {
        var stream = await SseStream.OpenAsync(Client, BrokerHost.StreamPath(userId, topics));
        await stream.WelcomeAsync();
        return stream;
    }

    public async Task SendAsync(object body)
    {
        using var response = await Client.PostAsJsonAsync("/api/v1/sse/send", body);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Sends; false when the event's stream did not answer in time (504, outcome unknown: its shard is still moving), or 503.</summary>
    public async Task<bool> TrySendAsync(object body)
    {
        using var response = await Client.PostAsJsonAsync("/api/v1/sse/send", body);
        if (response.StatusCode is System.Net.HttpStatusCode.ServiceUnavailable or System.Net.HttpStatusCode.GatewayTimeout)
        {
            return false;
        }
        response.EnsureSuccessStatusCode();
        return true;
    }

    public async Task<JsonElement> StatsAsync() => await Client.GetFromJsonAsync<JsonElement>("/api/v1/sse/stats");

    public async Task<bool> IsReadyAsync()
    {
        try
        {
            using var response = await Client.GetAsync("/readyz");
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>SIGTERM, as an orchestrator stops a pod: the host closes its streams, leaves the cluster and hands its shards off.</summary>
    public async Task StopGracefullyAsync()
    {
        await SignalAsync("TERM");
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>SIGSTOP: the process stops answering anything, as a node behind a broken network does, until <see cref="ResumeAsync"/>.</summary>
    public Task PauseAsync() => SignalAsync("STOP");

    /// <summary>SIGCONT after <see cref="PauseAsync"/>.</summary>
    public Task ResumeAsync() => SignalAsync("CONT");

    /// <summary>The <c>/readyz</c> answer: its status code and the health status it names.</summary>
    public async Task<(HttpStatusCode Status, string Health)> ReadinessAsync()
    {
        using var response = await Client.GetAsync("/readyz");
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    /// <summary>Waits for the process to end on its own.</summary>
    public Task WaitForExitAsync(TimeSpan limit) => _process.WaitForExitAsync().WaitAsync(limit);

    /// <summary>SIGKILL: no leaving, no hand-off, no close events.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
            _lines.Add((DateTime.UtcNow, line));
        }
    }
}
