using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Sse.Tests.Http;

/// <summary>Every input limit at its boundary: at the limit works, one over is refused with the documented status and reason.</summary>
[Trait("Category", TestCategories.Http)]
public sealed class LimitTests : IAsyncLifetime
{
    private BrokerHost _host = null!;

    public async Task InitializeAsync() => _host = await BrokerHost.StartAsync(new Dictionary<string, string>
    {
        ["Sse:Limits:MaxTopicsPerConnection"] = "3",
        ["Sse:Limits:MaxTopicLength"] = "10",
        ["Sse:Limits:MaxEventNameLength"] = "8",
        ["Sse:Limits:MaxEventDataBytes"] = "100",
        ["Sse:Limits:MaxSendBodyBytes"] = "300",
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Topics_per_connection_at_the_limit_stream_and_one_more_is_400()
    {
        await using var atLimit = await _host.ConnectAsync(Guid.NewGuid().ToString(), "a,b,c");
        using var over = await _host.Client.GetAsync(BrokerHost.StreamPath(Guid.NewGuid().ToString(), "a,b,c,d"));

        Assert.Equal(HttpStatusCode.BadRequest, over.StatusCode);
        Assert.Contains("MaxTopicsPerConnection", await over.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Topic_length_at_the_limit_works_and_one_more_is_refused()
    {
        var topic = new string('t', 10);
        await using var stream = await _host.ConnectAsync(Guid.NewGuid().ToString(), topic);
        using var sent = await Send("topic", topic: topic);
        using var tooLongStream = await _host.Client.GetAsync(BrokerHost.StreamPath(Guid.NewGuid().ToString(), topic + "x"));
        using var tooLongSend = await Send("topic", topic: topic + "x");

        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        Assert.Equal("x", (await stream.NextEventAsync()).Data);
        Assert.Equal(HttpStatusCode.BadRequest, tooLongStream.StatusCode);
        Assert.Contains("MaxTopicLength", await ErrorOf(tooLongSend, HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task Topic_with_a_comma_is_refused_when_sending()
    {
        using var response = await Send("topic", topic: "a,b");

        Assert.Contains("comma", await ErrorOf(response, HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task Event_name_length_at_the_limit_works_and_one_more_is_400()
    {
        using var atLimit = await Send("broadcast", eventName: new string('e', 8));
        using var over = await Send("broadcast", eventName: new string('e', 9));

        Assert.Equal(HttpStatusCode.OK, atLimit.StatusCode);
        Assert.Contains("MaxEventNameLength", await ErrorOf(over, HttpStatusCode.BadRequest));
    }

    [Theory]
    [InlineData("x", 100)]
    [InlineData("é", 50)]
    public async Task Event_data_at_the_byte_limit_works_and_one_more_character_is_400(string character, int atLimit)
    {
        var userId = Guid.NewGuid().ToString();
        await using var stream = await _host.ConnectAsync(userId);
        var data = string.Concat(Enumerable.Repeat(character, atLimit));

        using var ok = await Send("user", userId: userId, data: data);
        using var over = await Send("user", userId: userId, data: data + character);

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(data, (await stream.NextEventAsync()).Data);
        Assert.Contains("MaxEventDataBytes", await ErrorOf(over, HttpStatusCode.BadRequest));
        await Assert.ThrowsAsync<ArgumentException>(() => _host.Broker.SendToUserAsync(userId, "n", data + character));
    }

    [Fact]
    public async Task Send_body_at_the_size_limit_works_and_one_byte_more_is_413()
    {
        using var atLimit = await PostBodyOfSize(300);
        using var over = await PostBodyOfSize(301);

        Assert.Equal(HttpStatusCode.OK, atLimit.StatusCode);
        Assert.Contains("MaxSendBodyBytes", await ErrorOf(over, HttpStatusCode.RequestEntityTooLarge));
    }

    /// <summary>A valid broadcast body padded with spaces to exactly <paramref name="size"/> bytes.</summary>
    private Task<HttpResponseMessage> PostBodyOfSize(int size)
    {
        const string json = """{"target_type":"broadcast","event":"pad","data":"x"}""";
        var body = json + new string(' ', size - json.Length);
        return _host.Client.PostAsync("/api/v1/sse/send", new StringContent(body, Encoding.UTF8, "application/json"));
    }

    // Unescaped UTF-8 in the body, so a multi-byte character costs its own bytes and not a \u escape.
    private static readonly JsonSerializerOptions Utf8Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private Task<HttpResponseMessage> Send(string targetType, string? userId = null, string? topic = null, string eventName = "n", string data = "x") =>
        _host.Client.PostAsJsonAsync("/api/v1/sse/send", new { target_type = targetType, user_id = userId, topic, @event = eventName, data }, Utf8Json);

    private static async Task<string> ErrorOf(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString() ?? "";
    }
}

[Trait("Category", TestCategories.Http)]
public sealed class ConnectionRateLimitTests
{
    [Fact]
    public async Task Connection_attempts_per_ip_at_the_limit_work_and_one_more_is_429_with_Retry_After()
    {
        await using var host = await BrokerHost.StartAsync(new Dictionary<string, string> { ["Sse:Limits:ConnectionAttemptsPerMinutePerIp"] = "3" });
        for (var i = 0; i < 3; i++)
        {
            await using var stream = await host.ConnectAsync(Guid.NewGuid().ToString());
        }

        using var over = await host.Client.GetAsync(BrokerHost.StreamPath(Guid.NewGuid().ToString()));

        Assert.Equal(HttpStatusCode.TooManyRequests, over.StatusCode);
        Assert.NotNull(over.Headers.RetryAfter);
        Assert.Contains("ConnectionAttemptsPerMinutePerIp", await over.Content.ReadAsStringAsync());
    }
}
