using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Sse.Tests.Http;

namespace Sse.Tests.Client;

/// <summary>A host with history on, whose stream requests a test can cut and refuse (<see cref="StreamGate"/>).</summary>
public sealed class ClientBrokerHost : IAsyncLifetime
{
    public const int HistorySize = 20;

    public BrokerHost Host { get; private set; } = null!;

    public StreamGate Gate { get; } = new();

    public async Task InitializeAsync() => Host = await BrokerHost.StartAsync(new Dictionary<string, string>
    {
        ["Sse:HistorySize"] = HistorySize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        // The entities must outlive a handover's gap, or the new leader gets a reset instead of a replay.
        ["Sse:EmptyEntityPassivation"] = "00:05:00",
    }, configure: builder => builder.Services.AddSingleton<IStartupFilter>(Gate));

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>Every stream request passes through here: counted by user, cut on demand, refused while closed.</summary>
public sealed class StreamGate : IStartupFilter
{
    private readonly ConcurrentDictionary<HttpContext, string> _open = new();
    private readonly ConcurrentDictionary<string, int> _requests = new();
    private volatile bool _closed;

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            if (!context.Request.Path.StartsWithSegments("/api/v1/sse/stream"))
            {
                await nextMiddleware(context);
                return;
            }
            var userId = context.Request.Query["user_id"].ToString();
            _requests.AddOrUpdate(userId, 1, (_, n) => n + 1);
            if (_closed)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            }
            _open[context] = userId;
            try
            {
                await nextMiddleware(context);
            }
            finally
            {
                _open.TryRemove(context, out _);
            }
        });
        next(app);
    };

    /// <summary>Stream requests of the user so far, refused ones included.</summary>
    public int Requests(string userId) => _requests.GetValueOrDefault(userId);

    /// <summary>Refuses every stream request with 503 (no Retry-After) until <see cref="Open"/>, and cuts the user's open streams.</summary>
    public void CloseAndCut(string userId)
    {
        _closed = true;
        foreach (var (context, user) in _open)
        {
            if (user == userId)
            {
                context.Abort();
            }
        }
    }

    public void Open() => _closed = false;
}
