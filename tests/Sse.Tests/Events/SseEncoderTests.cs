using System.Text;
using Sse.Actors.Events;

namespace Sse.Tests.Events;

[Trait("Category", TestCategories.Unit)]
public sealed class SseEncoderTests
{
    [Fact]
    public void Event_bytes_hold_event_and_data_fields_and_its_id_beside_them()
    {
        var encoded = SseEncoder.Encode("42", "update", "hello");

        Assert.Equal("event: update\ndata: hello\n\n", encoded.Text());
        Assert.Equal("42", encoded.Id);
    }

    [Fact]
    public void Message_event_name_omits_the_event_line()
    {
        var encoded = SseEncoder.Encode("1", SseEncoder.DefaultEventName, "hello");

        Assert.Equal("data: hello\n\n", encoded.Text());
    }

    [Theory]
    [InlineData("first\nsecond")]
    [InlineData("first\r\nsecond")]
    [InlineData("first\rsecond")]
    public void Event_data_with_newlines_is_split_into_data_lines(string data)
    {
        var encoded = SseEncoder.Encode("1", SseEncoder.DefaultEventName, data);

        Assert.Equal("data: first\ndata: second\n\n", encoded.Text());
    }

    [Fact]
    public void Empty_lines_in_the_data_become_empty_data_lines()
    {
        var encoded = SseEncoder.Encode("1", SseEncoder.DefaultEventName, "a\r\n\r\nb\n");

        Assert.Equal("data: a\ndata: \ndata: b\ndata: \n\n", encoded.Text());
    }

    [Fact]
    public void Injected_blank_line_and_fields_stay_data_of_a_single_event()
    {
        const string attack = "x\n\nevent: evil\ndata: pwned";

        var encoded = SseEncoder.Encode("1", SseEncoder.DefaultEventName, attack);

        var parsed = encoded.Parse();
        Assert.Equal(attack, parsed.Data);
        Assert.Equal("message", parsed.EventType);
        var dataLines = encoded.Text().TrimEnd('\n').Split('\n').Skip(1);
        Assert.All(dataLines, line => Assert.StartsWith("data: ", line));
    }

    [Theory]
    [InlineData("x\r\n\r\nevent: evil\r\ndata: pwned")]
    [InlineData("x\r\revent: evil\rdata: pwned")]
    [InlineData("x\n\r\nid: 666\rretry: 1\n")]
    public void Parsed_data_is_the_original_with_line_ends_normalized(string data)
    {
        var parsed = SseEncoder.Encode("1", SseEncoder.DefaultEventName, data).Parse();

        Assert.Equal(data.Replace("\r\n", "\n").Replace('\r', '\n'), parsed.Data);
        Assert.Equal("message", parsed.EventType);
        Assert.Equal("1", parsed.Id);
        Assert.Null(parsed.Retry);
    }

    [Fact]
    public void Retry_field_is_written_when_given()
    {
        var encoded = SseEncoder.Encode("1", SseEncoder.DefaultEventName, "hello", retryMilliseconds: 5000);

        Assert.Equal("retry: 5000\ndata: hello\n\n", encoded.Text());
        Assert.Equal(TimeSpan.FromSeconds(5), encoded.Parse().Retry);
    }

    [Fact]
    public void No_retry_field_is_written_without_one()
    {
        var encoded = SseEncoder.Encode("1", "update", "hello");

        Assert.DoesNotContain("retry:", encoded.Text());
    }

    [Fact]
    public void Empty_data_gives_one_empty_data_line()
    {
        var encoded = SseEncoder.Encode("1", SseEncoder.DefaultEventName, "");

        Assert.Equal("data: \n\n", encoded.Text());
        Assert.Equal("", encoded.Parse().Data);
    }

    [Fact]
    public void Data_is_written_as_utf8()
    {
        const string data = "héllo wörld ✓ 🚀";

        var encoded = SseEncoder.Encode("1", SseEncoder.DefaultEventName, data);

        Assert.Equal(Encoding.UTF8.GetBytes($"data: {data}\n\n"), encoded.Utf8);
        Assert.Equal(encoded.Utf8.Length, encoded.Length);
    }

    [Fact]
    public void Large_data_is_written_whole()
    {
        var line = new string('€', 10_000);
        var data = string.Join('\n', Enumerable.Repeat(line, 20));

        var parsed = SseEncoder.Encode("1", SseEncoder.DefaultEventName, data).Parse();

        Assert.Equal(data, parsed.Data);
    }

    [Fact]
    public void Generated_event_ids_increase()
    {
        var first = long.Parse(SseEncoder.Encode("update", "a").Id, System.Globalization.CultureInfo.InvariantCulture);
        var second = long.Parse(SseEncoder.Encode("update", "b").Id, System.Globalization.CultureInfo.InvariantCulture);

        Assert.True(second > first, $"{second} should be greater than {first}");
    }
}
