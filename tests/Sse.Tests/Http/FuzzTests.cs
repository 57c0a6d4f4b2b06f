using System.Net;
using System.Text;

namespace Sse.Tests.Http;

/// <summary>
/// Thousands of generated requests (seeded, so a failure replays): query strings, headers
/// including Last-Event-ID, and send bodies. Every answer is one of the documented 2xx/4xx, never
/// a 5xx; the host stays up; and a healthy stream alongside receives every event intact and in order.
/// </summary>
[Trait("Category", TestCategories.Http)]
public sealed class FuzzTests
{
    private const int Seed = 20261126;
    private const int Cases = 3000;

    private static readonly HashSet<HttpStatusCode> StreamAnswers =
        [HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden, HttpStatusCode.TooManyRequests];

    private static readonly HashSet<HttpStatusCode> SendAnswers =
        [HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.RequestEntityTooLarge];

    [Fact]
    public async Task Generated_requests_never_get_a_5xx_and_a_healthy_stream_receives_everything_intact()
    {
        await using var host = await BrokerHost.StartAsync(new Dictionary<string, string>
        {
            ["Sse:Limits:MaxSendBodyBytes"] = "2048",
            ["Sse:Limits:MaxTopicsPerConnection"] = "5",
            ["Sse:MaxConnectionsPerUser"] = "3",
        });
        var healthyUser = Guid.NewGuid().ToString();
        await using var healthy = await host.ConnectAsync(healthyUser, "fuzz-healthy");
        var random = new Random(Seed);
        var sent = new List<string>();

        for (var i = 0; i < Cases; i++)
        {
            var choice = random.Next(3);
            (string Kind, (HttpStatusCode Code, string What) Status) outcome;
            try
            {
                outcome = choice switch
                {
                    0 => ("stream", await StreamRequestAsync(host, random)),
                    1 => ("send", await SendRequestAsync(host, random)),
                    _ => ("send-json", await SendJsonAsync(host, random)),
                };
            }
            catch (HttpRequestException e)
            {
                throw new InvalidOperationException($"case {i} (seed {Seed}) kind {choice} broke the connection", e);
            }
            var (kind, status) = outcome;
            var expected = kind == "stream" ? StreamAnswers : SendAnswers;
            Assert.True(expected.Contains(status.Code), $"case {i} (seed {Seed}) {kind} {status.What}: {(int)status.Code}");
            if (i % 50 == 0)
            {
                var data = $"healthy {i}\nline two ✓ <b>&amp;</b>\r\nline three";
                sent.Add(data.Replace("\r\n", "\n"));
                await host.Broker.SendToUserAsync(healthyUser, "healthy", data);
            }
        }

        var received = new List<string>();
        while (received.Count < sent.Count)
        {
            var item = await healthy.NextEventAsync();
            if (item.EventType == "healthy")
            {
                received.Add(item.Data);
            }
        }
        Assert.Equal(sent, received);
        using var alive = await host.Client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    private static async Task<(HttpStatusCode Code, string What)> StreamRequestAsync(BrokerHost host, Random random)
    {
        var query = new List<string>();
        for (var n = random.Next(4); n > 0; n--)
        {
            query.Add($"{Pick(random, "user_id", "tenant_id", "topics", "token", Text(random, 6))}={Uri.EscapeDataString(Value(random))}");
        }
        var path = "/api/v1/sse/stream" + (query.Count > 0 ? "?" + string.Join("&", query) : "");
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (random.Next(2) == 0)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", Printable(random, random.Next(0, 80)));
        }
        if (random.Next(4) == 0)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + Printable(random, random.Next(0, 60)));
        }
        using var response = await host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return (response.StatusCode, path);
    }

    private static async Task<(HttpStatusCode Code, string What)> SendRequestAsync(BrokerHost host, Random random)
    {
        var bytes = new byte[random.Next(0, 3000)];
        random.NextBytes(bytes);
        using var content = new ByteArrayContent(bytes);
        content.Headers.TryAddWithoutValidation("Content-Type", Pick(random, "application/json", "text/plain", "application/octet-stream"));
        using var response = await host.Client.PostAsync("/api/v1/sse/send", content);
        return (response.StatusCode, $"{bytes.Length} random bytes");
    }

    private static async Task<(HttpStatusCode Code, string What)> SendJsonAsync(BrokerHost host, Random random)
    {
        var fields = new List<string>();
        foreach (var field in new[] { "target_type", "user_id", "topic", "tenant_id", "event", "data" })
        {
            if (random.Next(4) != 0)
            {
                fields.Add($"\"{field}\":{JsonValue(random, field)}");
            }
        }
        var body = "{" + string.Join(",", fields) + "}";
        if (random.Next(10) == 0)
        {
            body = body[..random.Next(body.Length)];
        }
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        try
        {
            using var response = await host.Client.PostAsync("/api/v1/sse/send", content);
            return (response.StatusCode, body.Length > 200 ? body[..200] + "…" : body);
        }
        catch (HttpRequestException e)
        {
            throw new HttpRequestException($"body: {body}", e);
        }
    }

    private static string JsonValue(Random random, string field) => random.Next(6) switch
    {
        0 => "null",
        1 => random.Next(-5, 5).ToString(),
        2 => "{\"nested\":[1,2,{\"x\":\"y\"}]}",
        3 => "[\"a\",\"b\"]",
        _ => System.Text.Json.JsonSerializer.Serialize(field switch
        {
            "target_type" => Pick(random, "user", "topic", "broadcast", Value(random)),
            "user_id" or "tenant_id" => Pick(random, NewGuid(random).ToString(), Guid.Empty.ToString(), Value(random)),
            _ => Value(random),
        }),
    };

    private static string Value(Random random) => random.Next(8) switch
    {
        0 => "",
        1 => NewGuid(random).ToString(),
        2 => "a,b,,c," + Text(random, 5),
        3 => "line\r\nevent: injected\ndata: x",
        4 => new string('x', random.Next(100, 400)),
        5 => "\u0000\u0001\u001f\u007f",
        _ => Text(random, random.Next(0, 40)),
    };

    private static string Text(Random random, int length)
    {
        const string alphabet = "abcXYZ019 -_:/.,;%&=?#'\"<>\\{}[]éü✓😀\t\r\n";
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = alphabet[random.Next(alphabet.Length)];
        }
        return new string(chars).Replace("\uD83D", "").Replace("\uDE00", "");
    }

    /// <summary>Visible ASCII only: what HttpClient will put in a header.</summary>
    private static string Printable(Random random, int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = (char)random.Next(0x21, 0x7f);
        }
        return new string(chars);
    }

    private static string Pick(Random random, params string[] values) => values[random.Next(values.Length)];

    private static Guid NewGuid(Random random)
    {
        var bytes = new byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes);
    }
}
