using System.Threading.Channels;
using Microsoft.Playwright;
using Sse.Tests.Http;

namespace Sse.Tests.Browser;

/// <summary>
/// Holds a page's stream requests after its first one, until the test lets them through: events
/// are then sent while the browser is away, and the test knows its EventSource is reconnecting.
/// </summary>
internal sealed class HeldReconnects
{
    private readonly Channel<IRoute> _held = Channel.CreateUnbounded<IRoute>();
    private int _requests;
    private volatile bool _holding = true;

    public Task InstallAsync(IPage page) => page.RouteAsync("**/api/v1/sse/stream**", route =>
    {
        if (Interlocked.Increment(ref _requests) > 1 && _holding)
        {
            _held.Writer.TryWrite(route);
            return Task.CompletedTask;
        }
        return route.ContinueAsync();
    });

    /// <summary>The next held reconnect.</summary>
    public async Task<IRoute> NextAsync()
    {
        using var timeout = new CancellationTokenSource(BrokerHost.FactTimeout);
        return await _held.Reader.ReadAsync(timeout.Token);
    }

    /// <summary>Lets <paramref name="reconnect"/> and every later request through.</summary>
    public Task ReleaseAsync(IRoute reconnect)
    {
        _holding = false;
        return reconnect.ContinueAsync();
    }
}
