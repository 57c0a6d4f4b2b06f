using BenchmarkDotNet.Attributes;
using Sse.Actors.Events;

namespace Sse.Benchmarks;

/// <summary>Encoding one event to its wire bytes: done once per publish, shared by every recipient.</summary>
[MemoryDiagnoser]
public class EncodingBenchmarks
{
    private readonly string _small = """{"title":"New message","content":"Hello"}""";
    private readonly string _multiLine = string.Join("\n", Enumerable.Range(0, 20).Select(i => $"line {i} with some text"));
    private readonly string _large = new('x', 4096);

    [Benchmark(Baseline = true)]
    public SseEvent Small_json() => SseEncoder.Encode("1", "notification", _small);

    [Benchmark]
    public SseEvent Twenty_lines() => SseEncoder.Encode("1", "notification", _multiLine);

    [Benchmark]
    public SseEvent Four_kilobytes() => SseEncoder.Encode("1", "notification", _large);
}
