using Sse.Actors.Events;

namespace Sse.Tests.Events;

[Trait("Category", TestCategories.Unit)]
public sealed class SseNamesTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("bad\rname")]
    [InlineData("bad\nname")]
    [InlineData("bad\r\nname")]
    [InlineData("bad\0name")]
    [InlineData("bad\tname")]
    [InlineData("bad\u007fname")]
    public void Unwritable_event_name_is_rejected_naming_the_parameter(string? eventName)
    {
        var error = Assert.Throws<ArgumentException>(() => SseNames.ValidateEventName(eventName, "myEvent"));

        Assert.Equal("myEvent", error.ParamName);
    }

    [Theory]
    [InlineData("update")]
    [InlineData("chat.message")]
    [InlineData("naïve-événement")]
    public void Plain_event_name_is_accepted(string eventName) => SseNames.ValidateEventName(eventName);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("bad\rtopic")]
    [InlineData("bad\ntopic")]
    [InlineData("bad\u0007topic")]
    public void Invalid_topic_is_rejected_naming_the_parameter(string? topic)
    {
        var error = Assert.Throws<ArgumentException>(() => SseNames.ValidateTopic(topic, "myTopic"));

        Assert.Equal("myTopic", error.ParamName);
    }

    [Theory]
    [InlineData("news")]
    [InlineData("tenant-1/orders")]
    public void Plain_topic_is_accepted(string topic) => SseNames.ValidateTopic(topic);
}
