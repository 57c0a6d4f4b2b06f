using Sse.Actors.Streams;

namespace Sse.Tests.Streams;

/// <summary>
/// A stream's entity id, name (hand-off, event positions) and persistence id tell every (user) and every (tenant, topic)
/// apart, whatever characters the ids hold, the separators of the keys included.
/// </summary>
[Trait("Category", TestCategories.Unit)]
public sealed class StreamKeyTests
{
    // Every id of up to three of these characters: the separators keys use (',' '~' ':' '|' '-' '#'), and a letter and a digit.
    private static readonly string[] Ids = Words(",~:|-#a1", 3).Where(id => id.Length > 0).ToArray();

    private static readonly string[] Topics = Words("~:|-#a", 2).Where(topic => topic.Length > 0).ToArray();

    [Fact]
    public void No_two_users_share_an_entity_a_name_or_a_stored_history()
    {
        string[] ids = [.. Ids, "0b9a4cbe-3bd4-4f4c-9a53-2a4a0f0d6e11", "0b9a4cbe3bd44f4c9a532a4a0f0d6e11", "~0b9a4cbe3bd44f4c9a532a4a0f0d6e11"];
        var users = ids.Select(id => new StreamKey.User(id)).ToList();

        AssertAllDistinct(users);
    }

    [Fact]
    public void No_two_tenant_topic_pairs_share_an_entity_a_name_or_a_stored_history()
    {
        string?[] tenants = [.. Ids, null, "0b9a4cbe-3bd4-4f4c-9a53-2a4a0f0d6e11", "0b9a4cbe3bd44f4c9a532a4a0f0d6e11"];
        var topics = tenants.SelectMany(tenant => Topics.Select(topic => StreamKey.Topic.For(tenant, topic))).ToList();

        AssertAllDistinct(topics);
        Assert.All(topics, topic => Assert.Contains(topic.TopicName, Topics));
    }

    [Fact]
    public void Users_topics_and_the_broadcasts_never_share_a_name_or_a_stored_history()
    {
        var keys = Ids.Select(id => (StreamKey)new StreamKey.User(id))
            .Concat(Ids.SelectMany(tenant => Topics.Select(topic => (StreamKey)StreamKey.Topic.For(tenant, topic))))
            .Concat(Topics.Select(topic => StreamKey.Topic.For(null, topic)))
            .Concat([StreamKey.Broadcasts.Instance])
            .ToList();

        Assert.Equal(keys.Count, keys.Select(key => key.Name).Distinct().Count());
        Assert.Equal(keys.Count, keys.Select(key => key.PersistenceId).Distinct().Count());
    }

    [Fact]
    public void A_tenants_topic_is_not_the_topic_of_a_tenant_whose_id_holds_the_separator()
    {
        // Without the tenant's own marking, "a,b" + "c" and "a" + "b,c" would be one key; a topic may hold no comma, so the last one ends the tenant.
        Assert.NotEqual(StreamKey.Topic.For("a,b", "c"), StreamKey.Topic.For("a", "c"));
        Assert.Equal("c", StreamKey.Topic.For("a,b", "c").TopicName);
        Assert.NotEqual(StreamKey.Topic.For("x", "news").Key, StreamKey.Topic.For(null, "x,news").Key);
    }

    [Theory]
    [InlineData("0b9a4cbe-3bd4-4f4c-9a53-2a4a0f0d6e11")]
    [InlineData("0b9a4cbe3bd44f4c9a532a4a0f0d6e11")]
    [InlineData("auth0|5f2a~u:,#")]
    [InlineData("~")]
    [InlineData("~~x")]
    public void A_users_key_is_rebuilt_from_its_entity_id(string userId)
    {
        var user = new StreamKey.User(userId);

        Assert.Equal(user, StreamKey.Of(StreamKey.User.KindName, user.EntityId));
    }

    [Fact]
    public void A_stored_history_id_fits_the_stores_column_however_long_the_ids()
    {
        var longest = Enumerable.Range(0, 50).Select(i => new StreamKey.User(new string('x', 250) + i.ToString("D6"))).ToList();
        var tenantTopics = Enumerable.Range(0, 50).Select(i => StreamKey.Topic.For(new string('t', 250) + i.ToString("D6"), new string('n', 128))).ToList();

        Assert.All(longest.Concat<StreamKey>(tenantTopics), key => Assert.InRange(key.PersistenceId.Length, 1, StreamKey.MaxPersistenceIdLength));
        Assert.Equal(100, longest.Concat<StreamKey>(tenantTopics).Select(key => key.PersistenceId).Distinct().Count());
        Assert.StartsWith("sse-user#", longest[0].PersistenceId);
        Assert.Equal("sse-user-~alice@example.com", new StreamKey.User("alice@example.com").PersistenceId);
    }

    [Fact]
    public void A_uuid_in_capitals_is_the_same_stream_as_in_lowercase()
    {
        Assert.Equal(new StreamKey.User("0b9a4cbe-3bd4-4f4c-9a53-2a4a0f0d6e11"), new StreamKey.User("0B9A4CBE-3BD4-4F4C-9A53-2A4A0F0D6E11"));
        Assert.Equal(StreamKey.Topic.For("0b9a4cbe-3bd4-4f4c-9a53-2a4a0f0d6e11", "news"), StreamKey.Topic.For("0B9A4CBE-3BD4-4F4C-9A53-2A4A0F0D6E11", "news"));
    }

    [Fact]
    public void A_key_refuses_an_id_that_breaks_the_id_rule()
    {
        Assert.Equal("userId", Assert.Throws<ArgumentException>(() => new StreamKey.User("")).ParamName);
        Assert.Equal("tenantId", Assert.Throws<ArgumentException>(() => StreamKey.Topic.For("a\nb", "news")).ParamName);
    }

    private static void AssertAllDistinct(IReadOnlyCollection<StreamKey> keys)
    {
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.Equal(keys.Count, keys.Select(key => key.EntityId).Distinct().Count());
        Assert.Equal(keys.Count, keys.Select(key => key.Name).Distinct().Count());
        Assert.Equal(keys.Count, keys.Select(key => key.PersistenceId).Distinct().Count());
    }

    private static IEnumerable<string> Words(string alphabet, int maxLength)
    {
        IEnumerable<string> words = [""];
        var all = new List<string> { "" };
        for (var length = 1; length <= maxLength; length++)
        {
            words = words.SelectMany(word => alphabet.Select(c => word + c)).ToList();
            all.AddRange(words);
        }
        return all;
    }
}
