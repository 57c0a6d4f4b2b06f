using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Sse.Actors.Diagnostics;

namespace Sse.Tests.Diagnostics;

/// <summary>Metrics for actors started without a host: a meter of their own that nothing exports.</summary>
internal static class TestMetrics
{
    public static SseMetrics Create() =>
        new(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>());
}
