using Sse.Actors.Serialization;
using static Sse.Actors.Serialization.WireFormat;

namespace Sse.Tests.Serialization;

[Trait("Category", TestCategories.Unit)]
public sealed class WireTableTests
{
    [Fact]
    public void Every_wire_message_type_has_a_row()
    {
        var wireTypes = typeof(ISseWireMessage).Assembly.GetTypes()
            .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(ISseWireMessage).IsAssignableFrom(t));

        Assert.Empty(wireTypes.Except(new WireTable(WireFormats.Rows).Types));
    }

    [Fact]
    public void Two_rows_for_one_type_are_refused_naming_the_type()
    {
        WireFormat[] rows = [Row<First>("F1", (_, _) => { }, _ => new First()), Row<First>("F2", (_, _) => { }, _ => new First())];

        var refused = Assert.Throws<ArgumentException>(() => new WireTable(rows));

        Assert.Contains(typeof(First).FullName!, refused.Message);
    }

    [Fact]
    public void A_manifest_of_two_rows_is_refused_naming_it_and_both_types()
    {
        WireFormat[] rows =
        [
            Row<First>("F", "X", _ => true, (_, _) => { }, _ => new First()),
            Row<Second>("X", (_, _) => { }, _ => new Second()),
        ];

        var refused = Assert.Throws<ArgumentException>(() => new WireTable(rows));

        Assert.All(["'X'", typeof(First).FullName!, typeof(Second).FullName!], named => Assert.Contains(named, refused.Message));
    }

    private sealed record First : ISseWireMessage;

    private sealed record Second : ISseWireMessage;
}
