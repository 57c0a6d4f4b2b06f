using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Sse.Tests.Http;

/// <summary>A publisher names its messages (<c>message_id</c>, <c>Idempotency-Key</c>): with history on, a retry is recorded once.</summary>
[Trait("Category", TestCategories.Http)]
public sealed class IdempotencyTests
{
    private static async Task<BrokerHost> StartAsync() =>
        await BrokerHost.StartAsync(new Dictionary<string, string> { ["Sse:HistorySize"] = "10" });

    [Fact]
    public async Task A_send_retried_with_the_same_Idempotency_Key_is_delivered_once_and_answered_with_the_first_event_id()
    {
        await using var host = await StartAsync();
        var userId = Guid.NewGuid().ToString();
        await using var stream = await host.ConnectAsync(userId);

        var first = await SendAsync(host, userId, "order-7", "shipped");
        var retry = await SendAsync(host, userId, "order-7", "shipped");
        await host.Broker.SendToUserAsync(userId, "update", "next");

        Assert.Equal(first, retry);
        Assert.Equal("shipped", (await stream.NextEventAsync()).Data);
        Assert.Equal("next", (await stream.NextEventAsync()).Data);
    }

    [Fact]
    public async Task A_batch_names_each_message_and_a_repeated_name_is_recorded_once()
    {
        await using var host = await StartAsync();
        var userId = Guid.NewGuid().ToString();
        await using var stream = await host.ConnectAsync(userId);

        using var response = await host.Client.PostAsync("/api/v1/sse/send/batch", new StringContent(
            $$"""
            [{"target_type":"user","user_id":"{{userId}}","data":"a","message_id":"m-1"},
             {"target_type":"user","user_id":"{{userId}}","data":"a","message_id":"m-1"},
             {"target_type":"user","user_id":"{{userId}}","data":"b","message_id":"m-2"}]
            """, Encoding.UTF8, "application/json"));

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var ids = body.RootElement.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("event_id").GetString()).ToArray();
        Assert.Equal(ids[0], ids[1]);
        Assert.NotEqual(ids[0], ids[2]);
        Assert.Equal("a", (await stream.NextEventAsync()).Data);
        Assert.Equal("b", (await stream.NextEventAsync()).Data);
    }

    [Fact]
    public async Task An_Idempotency_Key_that_differs_from_the_body_message_id_is_400()
    {
        await using var host = await StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/sse/send")
        {
            Content = JsonContent.Create(new { target_type = "user", user_id = Guid.NewGuid().ToString(), data = "x", message_id = "a" }),
        };
        request.Headers.Add("Idempotency-Key", "b");

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Idempotency-Key", await response.Content.ReadAsStringAsync());
    }

    private static async Task<string> SendAsync(BrokerHost host, string userId, string key, string data)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/sse/send")
        {
            Content = JsonContent.Create(new { target_type = "user", user_id = userId, @event = "order", data }),
        };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await host.Client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("event_id").GetString()!;
    }
}
