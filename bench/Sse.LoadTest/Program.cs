using System.Diagnostics;
using System.Net;
using System.Net.ServerSentEvents;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Sse.LoadTest;

// dotnet run -c Release --project bench/Sse.LoadTest -- --scenario fanout --url http://127.0.0.1:5000 --connections 1000 --events 200
var options = LoadOptions.Parse(args);
using var limit = new CancellationTokenSource(options.TimeLimit);
if (options.Warmup > 0)
{
    // A server that has run a while: the same paths once, on other streams, before anything is measured, so JIT tiering
    // and pools are not charged to the run. Its connections close before the measured ones open.
    var warmup = options with
    {
        Connections = options.Warmup,
        Events = options.Scenario == "unicast" ? options.Warmup * 10 : 20,
        Rate = 0, ServerPid = null, HoldFor = TimeSpan.Zero, Stalled = 0, Settle = TimeSpan.Zero, Warmup = 0,
    };
    var warm = await new LoadRun(warmup).ExecuteAsync(limit.Token);
    Console.Error.WriteLine($"warm-up: {warm.Figures.Connections} connections, {warm.Figures.Delivered} deliveries, {warm.Figures.Lost} lost");
    await Task.Delay(TimeSpan.FromSeconds(2), limit.Token);
}
var run = new LoadRun(options);
var report = await run.ExecuteAsync(limit.Token);
Console.WriteLine(report.Human());
Console.WriteLine(JsonSerializer.Serialize(report.Figures));
// A failed connection or a lost event fails the run, so CI's short smoke runs assert zero loss.
return report.Figures.ConnectFailures == 0 && report.Figures.Lost == 0 ? 0 : 1;

namespace Sse.LoadTest
{
    /// <summary>One scenario against a running host: open the streams, send, count what arrives and how late.</summary>
    internal sealed class LoadRun(LoadOptions options)
    {
        private readonly LatencyHistogram _latency = new();
        // From a POST's send to its answer: how long a publisher that awaits its sends waits for the acknowledgement.
        private readonly LatencyHistogram _acks = new();
        private readonly Guid[] _users = [.. Enumerable.Range(0, options.Connections).Select(_ => Guid.NewGuid())];
        private readonly string _padding = new('x', Math.Max(0, options.DataBytes));
        private long _delivered;
        private int _connectFailures;
        private long _lastDeliveryTimestamp;

        public async Task<Report> ExecuteAsync(CancellationToken cancellationToken)
        {
            var cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
            var wall = Stopwatch.StartNew();
            using var streams = new HttpClient(Handler(receiveBuffer: null)) { BaseAddress = options.Url, Timeout = Timeout.InfiniteTimeSpan };
            // Stalled clients read their welcome, then nothing: a small socket buffer makes the server feel it soon.
            using var stalledStreams = new HttpClient(Handler(receiveBuffer: 4096)) { BaseAddress = options.Url, Timeout = Timeout.InfiniteTimeSpan };
            using var sender = new HttpClient { BaseAddress = options.Url };
            if (options.ApiKey is not null)
            {
                sender.DefaultRequestHeaders.Add("X-Api-Key", options.ApiKey);
            }
            var rssBefore = ServerRssKb();
            var serverCpuBeforeConnects = ServerCpuSeconds();

            var connectClock = Stopwatch.StartNew();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var welcomed = new CountdownEvent(options.Connections);
            var readers = Enumerable.Range(0, options.Connections)
                .Select(i => Task.Run(() => ReadAsync(IsStalled(i) ? stalledStreams : streams, i, welcomed, stop.Token), stop.Token)).ToArray();
            await Task.Run(() => welcomed.Wait(cancellationToken), cancellationToken);
            var connectTime = connectClock.Elapsed;
            var rssConnected = ServerRssKb();
            var serverCpuConnects = ServerCpuSeconds() - serverCpuBeforeConnects;
            if (options.HoldFor > TimeSpan.Zero)
            {
                // Keeps the connections open for a profiler (dotnet-gcdump, dotnet-counters) to look at.
                Console.WriteLine($"holding {options.Connections} connections for {options.HoldFor.TotalSeconds} s");
                await Task.Delay(options.HoldFor, cancellationToken);
            }

            var expected = 0L;
            var sendTime = TimeSpan.Zero;
            var firstSend = Stopwatch.GetTimestamp();
            var serverCpuStart = ServerCpuSeconds();
            if (options.Scenario != "hold")
            {
                var sendClock = Stopwatch.StartNew();
                await SendAllAsync(sender, cancellationToken);
                sendTime = sendClock.Elapsed;
                expected = options.Scenario == "unicast" ? options.Events : (long)options.Events * (options.Connections - options.Stalled - _connectFailures);
                var drainUntil = DateTime.UtcNow + options.Drain;
                while (Interlocked.Read(ref _delivered) < expected && DateTime.UtcNow < drainUntil && !cancellationToken.IsCancellationRequested)
                {
                    await Task.Delay(50, CancellationToken.None);
                }
            }
            var serverCpu = ServerCpuSeconds() - serverCpuStart;
            var sendPhaseSeconds = Stopwatch.GetElapsedTime(firstSend).TotalSeconds;
            if (options.Settle > TimeSpan.Zero)
            {
                // How much of what the burst took the server gives back, the connections still open.
                await Task.Delay(options.Settle, cancellationToken);
            }
            var rssAfter = options.Scenario == "hold" ? null : ServerRssKb();
            var slowConsumerDisconnects = await SlowConsumerDisconnectsAsync(sender);
            var deliverySeconds = Stopwatch.GetElapsedTime(firstSend, Math.Max(Interlocked.Read(ref _lastDeliveryTimestamp), firstSend + 1)).TotalSeconds;
            await stop.CancelAsync();
            await Task.WhenAll(readers.Select(r => r.ContinueWith(_ => { }, TaskScheduler.Default)));

            var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuStart).TotalSeconds / wall.Elapsed.TotalSeconds / Environment.ProcessorCount;
            var delivered = Interlocked.Read(ref _delivered);
            return new Report(new Figures(
                options.Scenario,
                options.Connections,
                _connectFailures,
                Math.Round(connectTime.TotalSeconds, 2),
                options.Scenario == "hold" ? 0 : options.Events,
                options.Batch,
                options.Stalled,
                slowConsumerDisconnects,
                Math.Round(sendTime.TotalSeconds, 2),
                delivered,
                Math.Max(0, expected - delivered),
                delivered == 0 ? 0 : Math.Round(delivered / deliverySeconds),
                _latency.Percentile(0.50),
                _latency.Percentile(0.99),
                _latency.Max,
                Math.Round(cpu * 100, 1),
                serverCpu is { } used && options.Scenario != "hold" ? Math.Round(used / sendPhaseSeconds / Environment.ProcessorCount * 100, 1) : null,
                rssBefore,
                rssConnected,
                rssBefore is { } before && rssConnected is { } after ? Math.Round((after - before) / (double)options.Connections, 2) : null,
                rssAfter,
                rssBefore is { } start && rssAfter is { } end ? Math.Round((end - start) / (double)options.Connections, 2) : null,
                serverCpuConnects is { } connecting ? Math.Round(connecting * 1e6 / options.Connections) : null,
                serverCpu is { } sending && delivered > 0 && options.Scenario != "hold" ? Math.Round(sending * 1e6 / delivered, 1) : null,
                options.SendConcurrency,
                _acks.Percentile(0.50),
                _acks.Percentile(0.99)));
        }

        private async Task ReadAsync(HttpClient client, int index, CountdownEvent welcomed, CancellationToken cancellationToken)
        {
            var path = options.Scenario switch
            {
                "fanout" => $"/api/v1/sse/stream?user_id={_users[index]}&topics=load",
                _ => $"/api/v1/sse/stream?user_id={_users[index]}",
            };
            var signalled = false;
            try
            {
                using var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new HttpRequestException($"status {(int)response.StatusCode}");
                }
                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                await foreach (var item in SseParser.Create(body).EnumerateAsync(cancellationToken))
                {
                    if (!signalled && item.EventType == "message")
                    {
                        signalled = true;
                        welcomed.Signal();
                        if (IsStalled(index))
                        {
                            await Task.Delay(Timeout.Infinite, cancellationToken);
                        }
                    }
                    else if (item.EventType == "load" && long.TryParse(TimestampOf(item.Data), out var sentAt))
                    {
                        var now = Stopwatch.GetTimestamp();
                        _latency.Record(Stopwatch.GetElapsedTime(sentAt, now));
                        Interlocked.Increment(ref _delivered);
                        Interlocked.Exchange(ref _lastDeliveryTimestamp, now);
                    }
                }
            }
            catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
            {
                if (!signalled && !cancellationToken.IsCancellationRequested)
                {
                    Interlocked.Increment(ref _connectFailures);
                    welcomed.Signal();
                }
            }
        }

        private static ReadOnlySpan<char> TimestampOf(string data)
        {
            var timestamp = data.AsSpan(data.IndexOf(':') + 1);
            var padding = timestamp.IndexOf(' ');
            return padding < 0 ? timestamp : timestamp[..padding];
        }

        private bool IsStalled(int index) => index >= options.Connections - options.Stalled;

        /// <summary>Every event once, in POSTs of <see cref="LoadOptions.Batch"/> events (1: <c>/send</c>, more: <c>/send/batch</c>).</summary>
        private async Task SendAllAsync(HttpClient sender, CancellationToken cancellationToken)
        {
            var pace = Stopwatch.StartNew();
            var random = new Random(1);
            var posts = (options.Events + options.Batch - 1) / options.Batch;
            await Parallel.ForAsync(0, posts, new ParallelOptions { MaxDegreeOfParallelism = options.SendConcurrency, CancellationToken = cancellationToken },
                async (post, token) =>
                {
                    var first = post * options.Batch;
                    var count = Math.Min(options.Batch, options.Events - first);
                    if (options.Rate > 0)
                    {
                        var due = TimeSpan.FromSeconds(first / (double)options.Rate) - pace.Elapsed;
                        if (due > TimeSpan.Zero)
                        {
                            await Task.Delay(due, token);
                        }
                    }
                    var messages = new object[count];
                    for (var i = 0; i < count; i++)
                    {
                        // "index:timestamp", then padding to --data-bytes for a realistic payload.
                        var data = $"{first + i}:{Stopwatch.GetTimestamp()}";
                        if (data.Length < options.DataBytes)
                        {
                            data += " " + _padding[..(options.DataBytes - data.Length - 1)];
                        }
                        messages[i] = options.Scenario switch
                        {
                            "fanout" => new { target_type = "topic", topic = "load", @event = "load", data },
                            "broadcast" => new { target_type = "broadcast", @event = "load", data },
                            _ => new { target_type = "user", user_id = _users[random.Next(_users.Length)], @event = "load", data },
                        };
                    }
                    var (path, body) = options.Batch == 1 ? ("/api/v1/sse/send", messages[0]) : ("/api/v1/sse/send/batch", (object)messages);
                    using var content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
                    var posted = Stopwatch.GetTimestamp();
                    using var response = await sender.PostAsync(path, content, token);
                    _acks.Record(Stopwatch.GetElapsedTime(posted));
                    response.EnsureSuccessStatusCode();
                });
        }

        /// <summary>The broker's count of clients it dropped for not reading (the baseline has no stats: null).</summary>
        private static async Task<long?> SlowConsumerDisconnectsAsync(HttpClient sender)
        {
            try
            {
                using var stats = JsonDocument.Parse(await sender.GetStringAsync("/api/v1/sse/stats"));
                return stats.RootElement.TryGetProperty("slow_consumer_disconnects", out var value) ? value.GetInt64() : null;
            }
            catch (HttpRequestException)
            {
                return null;
            }
        }

        /// <summary>Spreads client addresses over 127.0.0.1–127.0.0.250 so ephemeral ports never run out.</summary>
        private static SocketsHttpHandler Handler(int? receiveBuffer)
        {
            var next = 0;
            return new SocketsHttpHandler
            {
                MaxConnectionsPerServer = int.MaxValue,
                PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
                ConnectCallback = async (context, cancellationToken) =>
                {
                    var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    if (receiveBuffer is { } bytes)
                    {
                        socket.ReceiveBufferSize = bytes;
                    }
                    var source = IPAddress.Parse($"127.0.0.{1 + Interlocked.Increment(ref next) % 250}");
                    if (context.DnsEndPoint.Host is "127.0.0.1" or "localhost")
                    {
                        socket.Bind(new IPEndPoint(source, 0));
                    }
                    await socket.ConnectAsync(IPAddress.Loopback, context.DnsEndPoint.Port, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                },
            };
        }

        /// <summary>CPU time the server used so far (user + system), from <c>/proc/&lt;pid&gt;/stat</c>.</summary>
        private double? ServerCpuSeconds()
        {
            if (options.ServerPid is not { } pid)
            {
                return null;
            }
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0;
        }

        private long? ServerRssKb()
        {
            if (options.ServerPid is not { } pid)
            {
                return null;
            }
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        }
    }

    internal sealed record Figures(
        string Scenario, int Connections, int ConnectFailures, double ConnectSeconds, int Events, int Batch, int Stalled,
        long? SlowConsumerDisconnects, double SendSeconds,
        long Delivered, long Lost, double DeliveredPerSecond, double LatencyP50Ms, double LatencyP99Ms, double LatencyMaxMs,
        double ToolCpuPercent, double? ServerCpuPercent, long? ServerRssKbBefore, long? ServerRssKbConnected, double? ServerKbPerConnection,
        long? ServerRssKbAfterEvents, double? ServerKbPerConnectionAfterEvents,
        // Server CPU time (user + system, 10 ms ticks) per stream opened, and per event delivered while sending and draining.
        double? ServerCpuUsPerConnect, double? ServerCpuUsPerDelivery,
        // POSTs in flight at once, and the time from a POST's send to its answer (the publish acknowledgement).
        int SendConcurrency, double AckP50Ms, double AckP99Ms);

    internal sealed record Report(Figures Figures)
    {
        public string Human() =>
            $"""
            {Figures.Scenario}: {Figures.Connections} connections ({Figures.ConnectFailures} failed) in {Figures.ConnectSeconds} s
              sent {Figures.Events} events ({Figures.Batch} per POST) in {Figures.SendSeconds} s; delivered {Figures.Delivered}, lost {Figures.Lost}
              {Figures.Stalled} stalled connections (not counted); server dropped {Figures.SlowConsumerDisconnects?.ToString() ?? "?"} slow consumers in all
              {Figures.DeliveredPerSecond:N0} deliveries/s; latency p50 {Figures.LatencyP50Ms} ms, p99 {Figures.LatencyP99Ms} ms, max {Figures.LatencyMaxMs} ms
              acknowledgement of a POST ({Figures.SendConcurrency} in flight): p50 {Figures.AckP50Ms} ms, p99 {Figures.AckP99Ms} ms
              load tool CPU {Figures.ToolCpuPercent}% of the machine, server CPU {Figures.ServerCpuPercent?.ToString() ?? "?"}% while sending and draining, {Figures.ServerCpuUsPerConnect?.ToString() ?? "?"} µs per connect, {Figures.ServerCpuUsPerDelivery?.ToString() ?? "?"} µs per delivery; server RSS {Figures.ServerRssKbBefore} → {Figures.ServerRssKbConnected} kB ({Figures.ServerKbPerConnection} kB per connection), {Figures.ServerRssKbAfterEvents?.ToString() ?? "-"} kB after the events ({Figures.ServerKbPerConnectionAfterEvents?.ToString() ?? "-"} kB per connection)
            """;
    }

    /// <summary>Latencies in 0.1 ms buckets up to 60 s; lock-free recording from every reader.</summary>
    internal sealed class LatencyHistogram
    {
        private const double BucketMs = 0.1;
        private readonly long[] _buckets = new long[600_000];
        private long _count;
        private long _maxTicks;

        public double Max => Math.Round(TimeSpan.FromTicks(Interlocked.Read(ref _maxTicks)).TotalMilliseconds, 2);

        public void Record(TimeSpan latency)
        {
            var bucket = (int)Math.Min(_buckets.Length - 1, latency.TotalMilliseconds / BucketMs);
            Interlocked.Increment(ref _buckets[bucket]);
            Interlocked.Increment(ref _count);
            long seen;
            while (latency.Ticks > (seen = Interlocked.Read(ref _maxTicks)) && Interlocked.CompareExchange(ref _maxTicks, latency.Ticks, seen) != seen)
            {
            }
        }

        public double Percentile(double p)
        {
            var target = (long)Math.Ceiling(Interlocked.Read(ref _count) * p);
            long seen = 0;
            for (var i = 0; i < _buckets.Length; i++)
            {
                seen += _buckets[i];
                if (seen >= target && target > 0)
                {
                    return Math.Round((i + 1) * BucketMs, 2);
                }
            }
            return 0;
        }
    }
}
