using System.Net.Http.Json;
using System.Text.Json;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Sse.Actors.Api;
using Sse.Host;
using Xunit;

namespace Sse.Tests.Http;

/// <summary>
/// The shipped host (<see cref="SseHostApp"/>) on real Kestrel at 127.0.0.1 with a free port,
/// in Development, with <c>serialize-messages = on</c> so every message proves its wire format.
/// </summary>
public sealed class BrokerHost : IAsyncDisposable
{
    public static readonly TimeSpan FactTimeout = TimeSpan.FromSeconds(15);

    private readonly WebApplication _app;

    private BrokerHost(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
        Client = new HttpClient { BaseAddress = address, Timeout = Timeout.InfiniteTimeSpan };
    }

    public Uri Address { get; }

    public HttpClient Client { get; }

    public ISseBroker Broker => _app.Services.GetRequiredService<ISseBroker>();

    public ActorSystem ActorSystem => _app.Services.GetRequiredService<ActorSystem>();

    public IServiceProvider Services => _app.Services;

    /// <param name="hocon">Extra Akka.NET settings, over the shipped ones.</param>
    /// <param name="logging">Adds Serilog sinks, e.g. to capture what the host logs.</param>
    /// <param name="configure">Adds services to the host, e.g. the application's own authentication.</param>
    /// <param name="akka">Adds actors to the broker's actor system, after the broker's own.</param>
    public static async Task<BrokerHost> StartAsync(IDictionary<string, string>? settings = null, string hocon = "",
        Action<Serilog.LoggerConfiguration>? logging = null, Action<WebApplicationBuilder>? configure = null,
        Action<AkkaConfigurationBuilder>? akka = null)
    {
        var values = new Dictionary<string, string>
        {
            ["Sse:HeartbeatInterval"] = "00:00:01",
            ["Sse:ClientTimeout"] = "00:00:30",
            ["Sse:SubscribeRetryInterval"] = "00:00:00.200",
            ["Sse:EmptyEntityPassivation"] = "00:00:02",
            ["Sse:ShutdownGrace"] = "00:00:01",
            ["Serilog:MinimumLevel:Default"] = "Warning",
            ["Serilog:MinimumLevel:Override:Akka"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            values[key] = value;
        }
        string[] args = ["--urls=http://127.0.0.1:0", "--environment=Development", .. values.Select(kv => $"--{kv.Key}={kv.Value}")];
        var app = SseHostApp.Build(args, configure, configureAkka: (builder, _) =>
        {
            builder.AddHocon($"akka.actor.serialize-messages = on\n{hocon}", HoconAddMode.Prepend);
            akka?.Invoke(builder);
        }, configureLogging: logging);
        await app.StartAsync();
        return new BrokerHost(app, new Uri(app.Urls.First()));
    }

    /// <summary>Opens a stream and waits for its welcome event: from then on it is subscribed to everything it asked for.</summary>
    public async Task<SseStream> ConnectAsync(string userId, string? topics = null)
    {
        var stream = await SseStream.OpenAsync(Client, StreamPath(userId, topics));
        await stream.WelcomeAsync();
        return stream;
    }

    public static string StreamPath(string userId, string? topics = null) =>
        $"/api/v1/sse/stream?user_id={Uri.EscapeDataString(userId)}" + (topics is null ? "" : $"&topics={Uri.EscapeDataString(topics)}");

    public Task<HttpResponseMessage> SendAsync(object body) => Client.PostAsJsonAsync("/api/v1/sse/send", body);

    public async Task<JsonElement> StatsAsync() => await Client.GetFromJsonAsync<JsonElement>("/api/v1/sse/stats");

    /// <summary>Waits until the stats endpoint shows what the test expects.</summary>
    public async Task AwaitStatsAsync(Func<JsonElement, bool> condition)
    {
        JsonElement stats = default;
        await Eventually.HoldsAsync(async () => condition(stats = await StatsAsync()), FactTimeout,
            () => Task.FromResult($"stats never matched; last: {stats}"));
    }

    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One host shared by the tests of a class; each test uses its own user ids and topics.</summary>
public sealed class SharedBrokerHost : IAsyncLifetime
{
    public BrokerHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await BrokerHost.StartAsync();

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
