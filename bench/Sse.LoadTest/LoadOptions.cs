using System.Globalization;
using System.Net;

namespace Sse.LoadTest;

/// <summary>Command line: <c>--scenario fanout --url http://127.0.0.1:5000 --connections 1000 --events 1000 ...</c></summary>
internal sealed record LoadOptions(
    string Scenario,
    Uri Url,
    int Connections,
    int Events,
    int Rate,
    TimeSpan TimeLimit,
    TimeSpan Drain,
    int? ServerPid,
    string? ApiKey,
    int SendConcurrency,
    TimeSpan HoldFor,
    int Batch,
    int Stalled,
    int DataBytes,
    TimeSpan Settle,
    int Warmup)
{
    public static LoadOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"expected --name value pairs, got '{args[i]}'");
            }
            values[args[i][2..]] = args[i + 1];
        }
        string Get(string name, string fallback) => values.GetValueOrDefault(name, fallback);
        int Int(string name, int fallback) => int.Parse(Get(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

        var url = new Uri(Get("url", "http://127.0.0.1:5000"));
        // Loopback only: this tool is a load generator and must never aim at another machine.
        if (!IPAddress.TryParse(url.Host, out var ip) || !IPAddress.IsLoopback(ip))
        {
            if (url.Host != "localhost")
            {
                throw new ArgumentException($"--url must be on loopback (127.0.0.0/8 or localhost), not {url.Host}");
            }
        }
        var scenario = Get("scenario", "fanout");
        if (scenario is not ("hold" or "fanout" or "broadcast" or "unicast"))
        {
            throw new ArgumentException($"--scenario must be hold, fanout, broadcast or unicast, not {scenario}");
        }
        var connections = Int("connections", 1000);
        if (connections is < 1 or > 19_000)
        {
            throw new ArgumentException("--connections must be between 1 and 19000 (this machine caps a process at 20,000 open files)");
        }
        if (Int("warmup", 0) is < 0 or > 19_000)
        {
            throw new ArgumentException("--warmup must be between 0 (none) and 19000 connections");
        }
        var batch = Int("batch", 1);
        if (batch is < 1 or > 1000)
        {
            throw new ArgumentException("--batch must be between 1 (one POST /send per event) and 1000 (POST /send/batch)");
        }
        var stalledPercent = double.Parse(Get("stalled-percent", "0"), CultureInfo.InvariantCulture);
        if (stalledPercent is < 0 or >= 100 || (stalledPercent > 0 && scenario is not ("fanout" or "broadcast")))
        {
            throw new ArgumentException("--stalled-percent must be from 0 to below 100, and only for fanout or broadcast");
        }
        return new LoadOptions(
            scenario,
            url,
            connections,
            Int("events", 1000),
            Int("rate", 0),
            TimeSpan.FromSeconds(Int("time-limit", 120)),
            TimeSpan.FromSeconds(Int("drain", 10)),
            values.TryGetValue("server-pid", out var pid) ? int.Parse(pid, CultureInfo.InvariantCulture) : null,
            values.GetValueOrDefault("api-key"),
            Int("send-concurrency", 32),
            TimeSpan.FromSeconds(Int("hold-for", 0)),
            batch,
            (int)Math.Round(connections * stalledPercent / 100),
            Int("data-bytes", 0),
            TimeSpan.FromSeconds(Int("settle", 0)),
            Int("warmup", 0));
    }
}
