using System.Reflection;

namespace Sse.Tests;

/// <summary>Every test class says which slice it belongs to, so <c>--filter "Category=..."</c> misses none.</summary>
[Trait("Category", TestCategories.Unit)]
public sealed class TestCategoriesTests
{
    private static readonly string[] Categories = [.. typeof(TestCategories).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(field => field.IsLiteral).Select(field => (string)field.GetRawConstantValue()!)];

    [Fact]
    public void Every_test_class_has_exactly_one_category_trait_from_TestCategories()
    {
        var wrong = typeof(TestCategoriesTests).Assembly.GetTypes()
            .Where(type => type is { IsClass: true, IsAbstract: false } && HasTests(type))
            .Select(type => (Class: type.FullName, Categories: CategoriesOf(type)))
            .Where(test => test.Categories.Length != 1 || !Categories.Contains(test.Categories[0]))
            .Select(test => $"{test.Class}: {(test.Categories.Length == 0 ? "none" : string.Join(", ", test.Categories))}")
            .Order()
            .ToList();

        Assert.True(wrong.Count == 0,
            $"Give each test class one [Trait(\"Category\", TestCategories.…)] ({string.Join(", ", Categories)}; see TestCategories):\n{string.Join("\n", wrong)}");
    }

    private static bool HasTests(Type type) =>
        type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static)
            .Any(method => method.IsDefined(typeof(FactAttribute), inherit: true));

    // xunit reads a trait from the attribute's constructor arguments: TraitAttribute has no properties to read.
    private static string[] CategoriesOf(Type type) =>
        [.. type.GetCustomAttributesData()
            .Where(attribute => attribute.AttributeType == typeof(TraitAttribute) && (string?)attribute.ConstructorArguments[0].Value == "Category")
            .Select(attribute => (string)attribute.ConstructorArguments[1].Value!)];
}
