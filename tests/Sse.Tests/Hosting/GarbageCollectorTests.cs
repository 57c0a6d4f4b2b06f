using System.Text.Json;

namespace Sse.Tests.Hosting;

/// <summary>What the runnable broker ships with: the GC its measured figures were taken on (docs/performance.md, "Which GC").</summary>
[Trait("Category", TestCategories.Unit)]
public sealed class GarbageCollectorTests
{
    [Fact]
    public void Sse_Host_runs_on_workstation_GC()
    {
        using var runtimeConfig = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Sse.Host.runtimeconfig.json")));

        var options = runtimeConfig.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.False(options.GetProperty("System.GC.Server").GetBoolean());
    }
}
