using Akka.Actor;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Sse.Actors.Http;

namespace Sse.Tests.Hosting;

/// <summary>Someone else's app on real Kestrel at 127.0.0.1 with a free port, in Development, set up as the test says, with the broker's endpoints.</summary>
internal sealed class EmbeddedApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EmbeddedApp(WebApplication app)
    {
        _app = app;
        Client = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = Timeout.InfiniteTimeSpan };
    }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public ActorSystem ActorSystem => _app.Services.GetRequiredService<ActorSystem>();

    /// <param name="configure">The app's own services, and the broker's.</param>
    /// <param name="map">The app's own middleware and endpoints, before the broker's.</param>
    public static async Task<EmbeddedApp> StartAsync(Action<WebApplicationBuilder> configure, Action<WebApplication>? map = null,
        IDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Development });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Sse:ShutdownGrace"] = "00:00:01" });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        configure(builder);
        var app = builder.Build();
        try
        {
            app.UseCors();
            map?.Invoke(app);
            app.MapSseBroker();
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        return new EmbeddedApp(app);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
