using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Sse.Tests.Http;

[Trait("Category", TestCategories.Http)]
public sealed class BadRequestTests(SharedBrokerHost fixture) : IClassFixture<SharedBrokerHost>
{
    private BrokerHost Host => fixture.Host;

    [Theory]
    [InlineData("/api/v1/sse/stream")]
    [InlineData("/api/v1/sse/stream?user_id=")]
    [InlineData("/api/v1/sse/stream?user_id=bad%00id")]
    [InlineData("/api/v1/sse/stream?user_id=%20alice")]
    [InlineData("/api/v1/sse/stream?user_id=00000000-0000-0000-0000-000000000000")]
    [InlineData("/api/v1/sse/stream?user_id=6f1c1e1e-8d5b-4a0e-9f0e-0d4f1c2b3a4d&tenant_id=no%0Ape")]
    public async Task Stream_without_a_valid_identity_is_401_with_a_reason(string path)
    {
        using var response = await Host.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.NotEqual("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.False(string.IsNullOrWhiteSpace(await ErrorOf(response)));
    }

    [Fact]
    public async Task Stream_with_a_control_character_in_a_topic_is_400()
    {
        using var response = await Host.Client.GetAsync(BrokerHost.StreamPath(Guid.NewGuid().ToString(), "ok,bad\nname"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("topic", await ErrorOf(response));
    }

    [Theory]
    [InlineData("{not json", "JSON")]
    [InlineData("[1,2]", "JSON")]
    [InlineData("null", "JSON object")]
    [InlineData("""{"data":"x"}""", "target_type")]
    [InlineData("""{"target_type":"everyone","data":"x"}""", "target_type")]
    [InlineData("""{"target_type":"user","data":"x"}""", "user_id")]
    [InlineData("""{"target_type":"user","user_id":"","data":"x"}""", "user_id")]
    [InlineData("""{"target_type":"topic","data":"x"}""", "topic")]
    [InlineData("""{"target_type":"topic","topic":"  ","data":"x"}""", "topic")]
    [InlineData("""{"target_type":"topic","topic":"a\nb","data":"x"}""", "topic")]
    [InlineData("""{"target_type":"broadcast","event":"","data":"x"}""", "event name")]
    [InlineData("""{"target_type":"broadcast","event":"bad\r\nevent: injected","data":"x"}""", "event name")]
    public async Task Bad_send_body_is_400_with_a_reason(string body, string reasonMentions)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await Host.Client.PostAsync("/api/v1/sse/send", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reasonMentions, await ErrorOf(response), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_rejected_send_loses_nothing_else()
    {
        var userId = Guid.NewGuid().ToString();
        await using var stream = await Host.ConnectAsync(userId);

        using var bad = await Host.SendAsync(new { target_type = "user", user_id = userId, @event = "a\nb", data = "x" });
        using var good = await Host.SendAsync(new { target_type = "user", user_id = userId, @event = "ok", data = "y" });

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        var item = await stream.NextEventAsync();
        Assert.Equal(("ok", "y"), (item.EventType, item.Data));
    }

    [Fact]
    public async Task Broker_api_names_the_invalid_argument()
    {
        var emptyUser = await Assert.ThrowsAsync<ArgumentException>(() => Host.Broker.SendToUserAsync(Guid.Empty.ToString(), "e", "d"));
        var badEvent = await Assert.ThrowsAsync<ArgumentException>(() => Host.Broker.SendToUserAsync(Guid.NewGuid().ToString(), "e\n", "d"));
        var emptyTopic = await Assert.ThrowsAsync<ArgumentException>(() => Host.Broker.SendToTopicAsync("", "e", "d"));
        var badTopic = await Assert.ThrowsAsync<ArgumentException>(() => Host.Broker.SendToTopicAsync("a\rb", "e", "d"));

        Assert.Equal("userId", emptyUser.ParamName);
        Assert.Equal("eventName", badEvent.ParamName);
        Assert.Equal("topic", emptyTopic.ParamName);
        Assert.Equal("topic", badTopic.ParamName);
    }

    [Fact]
    public async Task Broker_api_names_an_id_that_breaks_the_id_rule_and_says_why()
    {
        var longUser = await Assert.ThrowsAsync<ArgumentException>(() => Host.Broker.SendToUserAsync(new string('x', 257), "e", "d"));
        var controlUser = await Assert.ThrowsAsync<ArgumentException>(() => Host.Broker.SendAsync(new Sse.Actors.Api.SseMessage.User("ali\nce", "e", "d")));
        var badTenant = await Assert.ThrowsAsync<ArgumentException>(() => Host.Broker.SendToTenantTopicAsync("acme ", "news", "e", "d"));
        var emptyQuery = await Assert.ThrowsAsync<ArgumentException>(() => Host.Broker.IsUserOnlineAsync(""));

        Assert.Equal(("userId", "userId", "tenantId", "userId"), (longUser.ParamName, controlUser.ParamName, badTenant.ParamName, emptyQuery.ParamName));
        Assert.Contains("has 257 characters, more than 256", longUser.Message);
        Assert.Contains("control character", controlUser.Message);
        Assert.Contains("white space", badTenant.Message);
        Assert.Contains("is empty", emptyQuery.Message);
    }

    [Theory]
    [InlineData("""{"target_type":"user","data":"x"}""", "user_id is missing")]
    [InlineData("""{"target_type":"user","user_id":"","data":"x"}""", "user_id is empty")]
    [InlineData("""{"target_type":"user","user_id":"ali\nce","data":"x"}""", "user_id contains a control character")]
    [InlineData("""{"target_type":"user","user_id":" alice","data":"x"}""", "user_id begins or ends with white space")]
    [InlineData("""{"target_type":"user","user_id":"00000000-0000-0000-0000-000000000000","data":"x"}""", "user_id is the nil UUID")]
    [InlineData("""{"target_type":"topic","topic":"news","tenant_id":"acme\u0000","data":"x"}""", "tenant_id contains a control character")]
    public async Task Send_with_a_bad_id_is_400_naming_the_field_and_why(string body, string reason)
    {
        using var response = await Host.Client.PostAsync("/api/v1/sse/send", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, await ErrorOf(response));
    }

    [Fact]
    public async Task Send_with_a_user_id_over_256_characters_is_400_with_its_length()
    {
        using var response = await Host.SendAsync(new { target_type = "user", user_id = new string('x', 300), data = "x" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("user_id has 300 characters, more than 256", await ErrorOf(response));
    }

    [Theory]
    [InlineData("user_id=", "user_id is empty")]
    [InlineData("user_id=ali%0Ace", "user_id contains a control character")]
    [InlineData("user_id=alice&tenant_id=%20acme", "tenant_id begins or ends with white space")]
    public async Task Stream_with_a_bad_id_is_401_saying_why(string query, string reason)
    {
        using var response = await Host.Client.GetAsync($"/api/v1/sse/stream?{query}");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(reason, await ErrorOf(response));
    }

    private static async Task<string> ErrorOf(HttpResponseMessage response)
    {
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(body.GetProperty("success").GetBoolean());
        return body.GetProperty("error").GetString() ?? "";
    }
}
