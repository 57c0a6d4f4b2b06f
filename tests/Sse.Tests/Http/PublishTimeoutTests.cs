using System.Net;
using System.Text;
using System.Text.Json;
using Sse.Actors.Api;
using Sse.Actors.Broker;

namespace Sse.Tests.Http;

/// <summary>
/// Accepted means recorded, and answers are true: a send whose stream does not answer within <c>Sse:PublishTimeout</c> is
/// never answered success, and is told its outcome is unknown (504, <see cref="PublishOutcomeUnknownException"/>), not
/// "not recorded". Here the durable history store is a PostgreSQL server that is not there, so no stream entity can read
/// or write its history.
/// </summary>
[Trait("Category", TestCategories.Http)]
public sealed class PublishTimeoutTests(PublishTimeoutTests.StoreDown store) : IClassFixture<PublishTimeoutTests.StoreDown>
{
    private readonly BrokerHost _host = store.Host;

    /// <summary>One host for the class: what is tested is the refusal, not the start.</summary>
    public sealed class StoreDown : IAsyncLifetime
    {
        public BrokerHost Host { get; private set; } = null!;

        public async Task InitializeAsync() => Host = await BrokerHost.StartAsync(new Dictionary<string, string>
        {
            ["Sse:HistorySize"] = "10",
            ["Sse:HistoryStore:Provider"] = "PostgreSql",
            // Nothing listens on port 1 of the loopback address: every connection is refused at once.
            ["Sse:HistoryStore:ConnectionString"] = "Host=127.0.0.1;Port=1;Username=sse;Password=sse;Database=sse;Timeout=1",
            ["Sse:PublishTimeout"] = "00:00:01",
            ["Sse:RefusedRetryAfter"] = "00:00:03",
        });

        public async Task DisposeAsync() => await Host.DisposeAsync();
    }

    [Fact]
    public async Task A_send_its_stream_does_not_answer_is_504_outcome_unknown_with_Retry_After()
    {
        using var response = await _host.SendAsync(new { target_type = "user", user_id = Guid.NewGuid().ToString(), @event = "note", data = "not recorded" });

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), response.Headers.RetryAfter?.Delta);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.False(body.RootElement.GetProperty("success").GetBoolean());
        Assert.Equal("unknown", body.RootElement.GetProperty("outcome").GetString());
        Assert.Contains("same message id", body.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_batch_answers_each_message_its_stream_does_not_answer_as_outcome_unknown()
    {
        using var response = await _host.Client.PostAsync("/api/v1/sse/send/batch", new StringContent(
            $$"""[{"target_type":"user","user_id":"{{Guid.NewGuid().ToString()}}","data":"a"},{"target_type":"topic","topic":"news","data":"b"}]""",
            Encoding.UTF8, "application/json"));

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var results = body.RootElement.GetProperty("results").EnumerateArray().ToArray();
        Assert.Equal(0, body.RootElement.GetProperty("accepted").GetInt32());
        Assert.All(results, r => Assert.False(r.GetProperty("success").GetBoolean()));
        Assert.All(results, r => Assert.Contains("PublishTimeout", r.GetProperty("error").GetString()));
        Assert.All(results, r => Assert.Equal("unknown", r.GetProperty("outcome").GetString()));
    }

    [Fact]
    public async Task The_service_throws_rather_than_return_an_event_id()
    {
        var refused = await Assert.ThrowsAsync<PublishOutcomeUnknownException>(() => _host.Broker.SendToTopicAsync("news", "note", "not recorded"));

        Assert.Equal("topic:news", refused.Stream);
    }

    [Fact]
    public async Task A_service_batch_answers_each_message_with_what_its_single_send_would_throw()
    {
        var results = await _host.Broker.SendBatchAsync(
        [
            new SseMessage.User(Guid.NewGuid().ToString(), "note", "not recorded"),
            new SseMessage.Topic("news", "", "invalid"),
            new SseMessage.Topic("news", "note", "not recorded"),
        ]);

        Assert.All(results, r => Assert.False(r.Success));
        Assert.Equal("user", Assert.IsType<PublishOutcomeUnknownException>(results[0].Error).Stream);
        Assert.Equal("eventName", Assert.IsAssignableFrom<ArgumentException>(results[1].Error).ParamName);
        Assert.Equal("topic:news", Assert.IsType<PublishOutcomeUnknownException>(results[2].Error).Stream);
    }

    [Fact]
    public async Task A_cancelled_batch_stops_waiting()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _host.Broker.SendBatchAsync([new SseMessage.User(Guid.NewGuid().ToString(), "note", "x")], cancel.Token));
    }

    [Fact]
    public async Task A_cancelled_send_stops_waiting()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _host.Broker.SendToUserAsync(Guid.NewGuid().ToString(), "note", "x", cancel.Token));
    }
}
