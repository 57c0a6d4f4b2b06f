using Sse.Actors.Events;
using Sse.Actors.History;

namespace Sse.Tests.Events;

[Trait("Category", TestCategories.Unit)]
public sealed class PositionVectorTests
{
    [Fact]
    public void A_vector_is_the_version_then_each_streams_epoch_and_seq_in_hex()
    {
        Assert.Equal("v1.deadbeef-2a.1-0", PositionVector.Format([new StreamPosition(0xdeadbeef, 42), new StreamPosition(1, 0)]));
    }

    [Fact]
    public void A_written_vector_parses_back_for_the_same_number_of_streams()
    {
        StreamPosition[] positions = [new(uint.MaxValue, long.MaxValue), new(7, 0), new(12, 3)];

        Assert.True(PositionVector.TryParse(PositionVector.Format(positions), 3, out var parsed));
        Assert.Equal(positions, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1234567")]
    [InlineData("v1")]
    [InlineData("v2.1-2")]
    [InlineData("v1.1-2.3-4")]
    [InlineData("v1.1-2.")]
    [InlineData("v1.-2")]
    [InlineData("v1.1-")]
    [InlineData("v1.1_2")]
    [InlineData("v1.xyz-2")]
    [InlineData("v1.1-ffffffffffffffff")]
    [InlineData("v1.1ffffffff-2")]
    [InlineData("v1.1-2 ")]
    public void Anything_but_a_vector_of_the_connections_streams_does_not_parse(string id)
    {
        Assert.False(PositionVector.TryParse(id, 1, out _));
    }

    [Fact]
    public void An_overlong_id_is_refused_unread()
    {
        Assert.False(PositionVector.TryParse("v1" + string.Concat(Enumerable.Repeat(".1-1", 2000)), 2000, out _));
    }
}
