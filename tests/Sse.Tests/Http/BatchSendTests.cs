using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Sse.Tests.Http;

[Trait("Category", TestCategories.Http)]
public sealed class BatchSendTests
{
    private const string BatchPath = "/api/v1/sse/send/batch";

    [Fact]
    public async Task Batch_delivers_every_valid_message_and_answers_one_result_per_message_in_order()
    {
        await using var host = await BrokerHost.StartAsync();
        var userId = Guid.NewGuid().ToString();
        await using var stream = await host.ConnectAsync(userId, "news");

        using var response = await host.Client.PostAsync(BatchPath, Json($$$"""
            [
              {"target_type":"user","user_id":"{{{userId}}}","event":"note","data":"to the user"},
              {"target_type":"user","user_id":"","data":"refused"},
              {"target_type":"topic","topic":"news","event":"note","data":{"headline":"to the topic"}},
              42,
              {"target_type":"carrier-pigeon","data":"refused"},
              {"target_type":"user","user_id":{"nested":true}},
              {"target_type":"broadcast","event":"note","data":"to everyone"}
            ]
            """));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = body.RootElement;
        Assert.False(root.GetProperty("success").GetBoolean());
        Assert.Equal(3, root.GetProperty("accepted").GetInt32());
        Assert.Equal(4, root.GetProperty("rejected").GetInt32());
        var results = root.GetProperty("results").EnumerateArray().ToArray();
        Assert.Equal([true, false, true, false, false, false, true], results.Select(r => r.GetProperty("success").GetBoolean()));
        Assert.Equal("user", results[0].GetProperty("target_type").GetString());
        Assert.Equal("topic", results[2].GetProperty("target_type").GetString());
        Assert.Equal("broadcast", results[6].GetProperty("target_type").GetString());
        Assert.Contains("user_id", results[1].GetProperty("error").GetString());
        Assert.Contains("JSON object", results[3].GetProperty("error").GetString());
        Assert.Contains("carrier-pigeon", results[4].GetProperty("error").GetString());
        Assert.Contains("schema", results[5].GetProperty("error").GetString());
        Assert.False(results[1].TryGetProperty("event_id", out _));

        // The three accepted messages arrive (on different paths, so in any order) with the ids the batch answered.
        var expectedIds = new[] { results[0], results[2], results[6] }.Select(r => r.GetProperty("event_id").GetString()).ToHashSet();
        var arrived = new List<(string? Id, string Data)>();
        for (var i = 0; i < 3; i++)
        {
            var item = await stream.NextEventAsync();
            arrived.Add((item.EventId, item.Data));
        }
        Assert.Equal(expectedIds, arrived.Select(a => a.Id).ToHashSet());
        Assert.Equal(["to everyone", "to the user", """{"headline":"to the topic"}"""], arrived.Select(a => a.Data).Order(StringComparer.Ordinal));

        // Nothing refused was delivered: the next event on the user's path is a marker sent after the batch.
        await host.Broker.SendToUserAsync(userId, "marker", "after the batch");
        Assert.Equal("marker", (await stream.NextEventAsync()).EventType);
    }

    [Fact]
    public async Task A_batch_of_only_valid_messages_succeeds_and_keeps_the_order_for_one_user()
    {
        await using var host = await BrokerHost.StartAsync();
        var userId = Guid.NewGuid().ToString();
        await using var stream = await host.ConnectAsync(userId);
        var messages = Enumerable.Range(0, 200).Select(i => new { target_type = "user", user_id = userId, @event = "n", data = i.ToString() });

        using var response = await host.Client.PostAsJsonAsync(BatchPath, messages);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(body.RootElement.GetProperty("success").GetBoolean());
        Assert.Equal(200, body.RootElement.GetProperty("accepted").GetInt32());
        for (var i = 0; i < 200; i++)
        {
            Assert.Equal(i.ToString(), (await stream.NextEventAsync()).Data);
        }
    }

    [Fact]
    public async Task Batch_limits_and_malformed_bodies_are_refused_as_a_whole_with_the_reason()
    {
        await using var host = await BrokerHost.StartAsync(new Dictionary<string, string>
        {
            ["Sse:Limits:MaxBatchSize"] = "3",
            ["Sse:Limits:MaxBatchBodyBytes"] = "1000",
        });
        var broadcast = """{"target_type":"broadcast","data":"x"}""";

        var tooMany = await host.Client.PostAsync(BatchPath, Json($"[{broadcast},{broadcast},{broadcast},{broadcast}]"));
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Contains("MaxBatchSize", await tooMany.Content.ReadAsStringAsync());

        var tooLarge = await host.Client.PostAsync(BatchPath, Json($"[{{\"target_type\":\"broadcast\",\"data\":\"{new string('x', 1200)}\"}}]"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Contains("MaxBatchBodyBytes", await tooLarge.Content.ReadAsStringAsync());

        var notAnArray = await host.Client.PostAsync(BatchPath, Json(broadcast));
        Assert.Equal(HttpStatusCode.BadRequest, notAnArray.StatusCode);
        Assert.Contains("JSON array", await notAnArray.Content.ReadAsStringAsync());

        var notJson = await host.Client.PostAsync(BatchPath, Json("[{"));
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.Contains("not valid JSON", await notJson.Content.ReadAsStringAsync());

        var empty = await host.Client.PostAsync(BatchPath, Json("[]"));
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        Assert.Equal(0, (await empty.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accepted").GetInt32());
    }

    [Fact]
    public async Task Batch_needs_the_publisher_credential_like_send()
    {
        await using var host = await BrokerHost.StartAsync(new Dictionary<string, string> { ["Sse:Publish:ApiKeys:0"] = "right-key" });

        using var anonymous = await host.Client.PostAsync(BatchPath, Json("[]"));
        using var request = new HttpRequestMessage(HttpMethod.Post, BatchPath) { Content = Json("[]") };
        request.Headers.Add("X-Api-Key", "right-key");
        using var withKey = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withKey.StatusCode);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
