using Sse.Actors.Events;

namespace Sse.Tests.Events;

[Trait("Category", TestCategories.Unit)]
public sealed class SseIdsTests
{
    /// <summary>Identity providers' <c>sub</c> values and other ids applications use, with the characters stream keys are made of.</summary>
    public static TheoryData<string> RealIds => new(
    [
        "auth0|5f2a0c9b8e7d6a1b2c3d4e5f",
        "google-oauth2|110169484474386276334",
        "110169484474386276334",
        "1234567890",
        "alice@example.com",
        "d3b07384-d9a0-4e9b-8f3c-6a1e2b4c5d6f",
        "00u1abcd2EFGH3ijk4x7",
        "CN=Alice Smith,OU=Staff",
        "acme,eu~u:t:b|#",
        "名前@例え.jp",
        "x",
    ]);

    [Theory]
    [MemberData(nameof(RealIds))]
    public void Real_ids_are_user_and_tenant_ids_as_written(string id)
    {
        Assert.Equal(id, SseIds.UserId(id));
        Assert.Equal(id, SseIds.TenantId(id));
    }

    [Fact]
    public void An_id_of_the_longest_length_is_accepted() => Assert.Equal(SseIds.MaxLength, SseIds.UserId(new string('x', SseIds.MaxLength)).Length);

    [Fact]
    public void A_uuid_in_capitals_is_the_same_id_as_in_lowercase()
    {
        Assert.Equal("3f2504e0-4f89-11d3-9a0c-0305e82c3301", SseIds.UserId("3F2504E0-4F89-11D3-9A0C-0305E82C3301"));
        Assert.Equal("3f2504e0-4f89-11d3-9a0c-0305e82c3301", SseIds.TenantId("3f2504E0-4f89-11d3-9A0C-0305e82c3301"));
    }

    [Theory]
    [InlineData("{3F2504E0-4F89-11D3-9A0C-0305E82C3301}")]
    [InlineData("3F2504E04F8911D39A0C0305E82C3301")]
    [InlineData("urn:uuid:3F2504E0-4F89-11D3-9A0C-0305E82C3301")]
    public void Other_spellings_of_a_uuid_are_opaque_ids_kept_as_written(string id) => Assert.Equal(id, SseIds.UserId(id));

    [Theory]
    [InlineData("", "is empty")]
    [InlineData(" alice", "white space")]
    [InlineData("alice ", "white space")]
    [InlineData("ali\nce", "U+000A")]
    [InlineData("ali\rce", "U+000D")]
    [InlineData("ali\0ce", "U+0000")]
    [InlineData("ali\tce", "U+0009")]
    [InlineData("ali\u007fce", "U+007F")]
    [InlineData("ali\u0085ce", "U+0085")]
    [InlineData("ali\u2028ce", "U+2028")]
    public void A_bad_id_is_refused_naming_the_argument_and_the_reason(string id, string reason)
    {
        var user = Assert.Throws<ArgumentException>(() => SseIds.UserId(id, "owner"));
        var tenant = Assert.Throws<ArgumentException>(() => SseIds.TenantId(id));

        Assert.Equal(("owner", "tenantId"), (user.ParamName, tenant.ParamName));
        Assert.Contains(reason, user.Message);
        Assert.StartsWith("The user id ", user.Message);
    }

    [Fact]
    public void A_missing_id_is_refused_as_missing()
    {
        var error = Assert.Throws<ArgumentNullException>(() => SseIds.UserId(null));

        Assert.Equal("userId", error.ParamName);
        Assert.Contains("is missing", error.Message);
    }

    [Fact]
    public void An_id_longer_than_the_limit_is_refused_with_its_length()
    {
        var error = Assert.Throws<ArgumentException>(() => SseIds.UserId(new string('x', SseIds.MaxLength + 1)));

        Assert.Contains($"has {SseIds.MaxLength + 1} characters, more than {SseIds.MaxLength}", error.Message);
    }

    [Fact]
    public void An_unpaired_surrogate_is_refused_as_it_is_no_text()
    {
        // Built here: test data holding one would not survive xunit's own serialization.
        foreach (var id in new[] { "ali" + '\ud800' + "ce", "alice" + '\udc00', '\ud800' + "x" })
        {
            Assert.Contains("unpaired surrogate", Assert.Throws<ArgumentException>(() => SseIds.UserId(id)).Message);
        }
    }

    [Fact]
    public void A_pair_of_surrogates_is_one_character_and_accepted() => Assert.Equal("user-😀", SseIds.UserId("user-😀"));

    [Fact]
    public void The_nil_uuid_is_no_user_but_may_be_a_tenant()
    {
        var error = Assert.Throws<ArgumentException>(() => SseIds.UserId(Guid.Empty.ToString()));

        Assert.Contains("nil UUID", error.Message);
        Assert.Equal(Guid.Empty.ToString(), SseIds.TenantId(Guid.Empty.ToString()));
    }
}
