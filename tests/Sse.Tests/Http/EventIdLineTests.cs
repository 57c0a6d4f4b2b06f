using System.Text;
using Sse.Actors.History;
using Xunit;

namespace Sse.Tests.Http;

/// <summary>
/// The exact bytes a browser receives, in each mode: the encoded event is the same, and the response writer puts the id
/// line before it, the event's own id with history off, the connection's stream positions with history on.
/// </summary>
[Trait("Category", TestCategories.Http)]
public sealed class EventIdLineTests(SharedBrokerHost historyOff, MemoryHistoryHost historyOn)
    : IClassFixture<SharedBrokerHost>, IClassFixture<MemoryHistoryHost>
{
    [Fact]
    public async Task With_history_off_each_event_is_written_after_the_id_its_publisher_was_told()
    {
        var userId = Guid.NewGuid().ToString();
        await using var stream = await RawStream.OpenAsync(historyOff.Host, userId);
        var welcome = await stream.NextBlockAsync();

        var eventId = await historyOff.Host.Broker.SendToUserAsync(userId, "update", "line one\nline two");

        Assert.Matches("^id: [0-9]+\nretry: [0-9]+\ndata: {\"type\":\"welcome\"", welcome);
        Assert.Equal($"id: {eventId}\nevent: update\ndata: line one\ndata: line two\n\n", await stream.NextBlockAsync(block => block.Contains("data: line one")));
        Assert.Matches("^id: [0-9]+\nevent: heartbeat\ndata: ping\n\n$", await stream.NextBlockAsync(block => block.Contains("heartbeat")));
    }

    [Fact]
    public async Task With_history_on_a_streams_event_is_written_after_the_connections_positions_and_a_heartbeat_without_an_id()
    {
        var userId = Guid.NewGuid().ToString();
        await using var stream = await RawStream.OpenAsync(historyOn.Host, userId);
        var welcome = await stream.NextBlockAsync();

        await historyOn.Host.Broker.SendToUserAsync(userId, "update", "line one\nline two");

        var published = await stream.NextBlockAsync(block => block.Contains("data: line one"));
        var (idLine, rest) = (published[..(published.IndexOf('\n') + 1)], published[(published.IndexOf('\n') + 1)..]);
        Assert.Equal("event: update\ndata: line one\ndata: line two\n\n", rest);
        // The user stream and the broadcasts.
        Assert.True(PositionVector.TryParse(idLine["id: ".Length..^1], 2, out _), idLine);
        Assert.StartsWith("id: v1.", welcome);
        Assert.Equal("event: heartbeat\ndata: ping\n\n", await stream.NextBlockAsync(block => block.Contains("heartbeat")));
    }

    /// <summary>A stream's response read as text, block by block (an event ends at its blank line), as sent.</summary>
    private sealed class RawStream(HttpResponseMessage response, Stream body) : IAsyncDisposable
    {
        private readonly StreamReader _reader = new(body, Encoding.UTF8);
        private readonly StringBuilder _read = new();

        public static async Task<RawStream> OpenAsync(BrokerHost host, string userId)
        {
            var response = await host.Client.GetAsync(BrokerHost.StreamPath(userId), HttpCompletionOption.ResponseHeadersRead);
            response.EnsureSuccessStatusCode();
            return new RawStream(response, await response.Content.ReadAsStreamAsync());
        }

        /// <summary>The next block for which <paramref name="wanted"/> holds (the next one when not given), skipping others.</summary>
        public async Task<string> NextBlockAsync(Func<string, bool>? wanted = null)
        {
            using var timeout = new CancellationTokenSource(BrokerHost.FactTimeout);
            var buffer = new char[4096];
            while (true)
            {
                var text = _read.ToString();
                var end = text.IndexOf("\n\n", StringComparison.Ordinal);
                if (end >= 0)
                {
                    var block = text[..(end + 2)];
                    _read.Remove(0, end + 2);
                    if (wanted is null || wanted(block))
                    {
                        return block;
                    }
                    continue;
                }
                var read = await _reader.ReadAsync(buffer, timeout.Token);
                Assert.True(read > 0, "the stream ended");
                _read.Append(buffer, 0, read);
            }
        }

        public ValueTask DisposeAsync()
        {
            response.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
