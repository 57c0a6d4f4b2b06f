using System.Globalization;
using System.Text;
using Sse.Tests.Http;

namespace Sse.Tests.Diagnostics;

/// <summary>
/// One scrape of <c>/metrics</c>, parsed from the Prometheus text format as a Prometheus server
/// would read it: every sample with its labels, and the declared type of each metric.
/// </summary>
internal sealed class MetricsScrape
{
    private MetricsScrape(string text, List<Sample> samples, Dictionary<string, string> types)
    {
        Text = text;
        Samples = samples;
        Types = types;
    }

    public string Text { get; }

    public IReadOnlyList<Sample> Samples { get; }

    /// <summary>From the <c># TYPE name type</c> lines.</summary>
    public IReadOnlyDictionary<string, string> Types { get; }

    public static MetricsScrape Parse(string text)
    {
        var samples = new List<Sample>();
        var types = new Dictionary<string, string>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                types[parts[2]] = parts[3];
            }
            else if (!line.StartsWith('#'))
            {
                samples.Add(ParseSample(line));
            }
        }
        return new MetricsScrape(text, samples, types);
    }

    /// <summary>The sum of the samples of <paramref name="name"/> on <paramref name="node"/> with every given label; 0 when there are none.</summary>
    public double Value(string name, string node, params (string Key, string Value)[] labels) =>
        Samples.Where(s => s.Name == name && s.Label("node") == node && labels.All(l => s.Label(l.Key) == l.Value)).Sum(s => s.Value);

    private static Sample ParseSample(string line)
    {
        var labels = new Dictionary<string, string>();
        var i = line.IndexOfAny(['{', ' ']);
        var name = line[..i];
        if (line[i] == '{')
        {
            i++;
            while (line[i] != '}')
            {
                var equals = line.IndexOf('=', i);
                var key = line[i..equals];
                var value = new StringBuilder();
                for (i = equals + 2; line[i] != '"'; i++)
                {
                    if (line[i] == '\\')
                    {
                        i++;
                        value.Append(line[i] == 'n' ? '\n' : line[i]);
                    }
                    else
                    {
                        value.Append(line[i]);
                    }
                }
                labels[key] = value.ToString();
                i++;
                if (line[i] == ',')
                {
                    i++;
                }
            }
            i++;
        }
        var number = line[(i + 1)..].Split(' ')[0];
        return new Sample(name, labels, double.Parse(number, CultureInfo.InvariantCulture));
    }

    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
    {
        public string? Label(string key) => Labels.GetValueOrDefault(key);
    }
}

/// <summary>Reading a started host's metrics the way Prometheus does.</summary>
internal static class BrokerHostMetrics
{
    /// <summary>The value of the <c>node</c> label of this host's measurements: its cluster address.</summary>
    public static string Node(this BrokerHost host) => Akka.Cluster.Cluster.Get(host.ActorSystem).SelfAddress.ToString();

    public static async Task<MetricsScrape> ScrapeAsync(this BrokerHost host)
    {
        using var response = await host.Client.GetAsync("/metrics");
        response.EnsureSuccessStatusCode();
        return MetricsScrape.Parse(await response.Content.ReadAsStringAsync());
    }

    /// <summary>Sends one event to one stream and scrapes once it is counted: then every instrument, the histogram too, has its series.</summary>
    public static async Task<MetricsScrape> ScrapeAfterOneDeliveryAsync(this BrokerHost host)
    {
        var node = host.Node();
        var userId = Guid.NewGuid().ToString();
        await using var stream = await host.ConnectAsync(userId);
        await host.Broker.SendToUserAsync(userId, "update", "hello");
        await stream.NextEventAsync();
        return await host.AwaitMetricsAsync(m => m.Value("sse_messages_sent_total", node) == 1 && m.Value("sse_delivery_latency_seconds_count", node) == 1);
    }

    /// <summary>Scrapes until the metrics show what the test expects (a scrape is cached for a moment, and counting is asynchronous).</summary>
    public static async Task<MetricsScrape> AwaitMetricsAsync(this BrokerHost host, Func<MetricsScrape, bool> condition)
    {
        MetricsScrape? last = null;
        await Eventually.HoldsAsync(async () => condition(last = await host.ScrapeAsync()), BrokerHost.FactTimeout,
            () => Task.FromResult($"the metrics never matched; last scrape:\n{last?.Text}"));
        return last!;
    }
}
