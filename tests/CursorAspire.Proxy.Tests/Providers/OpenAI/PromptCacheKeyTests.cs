using System.Security.Cryptography;

using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Tests.Providers.OpenAI;

/// <summary>
/// OpenAI-compatible upstreams cache a repeated prefix on their own, but only where requests land on the same machine:
/// the proxy sends one <c>prompt_cache_key</c> per key and conversation, and reports the cache reads to Cursor as
/// <c>prompt_tokens_details.cached_tokens</c>, from OpenAI's field or DeepSeek's.
/// </summary>
public sealed class PromptCacheKeyTests
{
    private static string? CacheKey(RecordedRequest request) => (string?)request.Json!["prompt_cache_key"];

    private static JsonObject Step(string firstUserText, int turn)
    {
        var body = JsonNode.Parse(ChatRequests.Fixture(CursorFixtures.AgentChatToolsMultiturn, "remote", stream: true))!.AsObject();
        var messages = body["messages"]!.AsArray();
        messages.First(m => (string?)m!["role"] == "user")!["content"] = firstUserText;
        for (var i = 0; i < turn; i++)
        {
            messages.Add(new JsonObject { ["role"] = "user", ["content"] = $"and step {i}" });
        }
        return body;
    }

    [Fact]
    public async Task OneSessionKeepsOneKeyAndOtherSessionsAndKeysGetTheirOwn()
    {
        await using var proxy = await ProxyHost.StartWithStandInAsync();
        using var other = proxy.CreateClient(ProxyHost.OtherApiKey);

        await ChatRequests.PostReadAsync(proxy.Client, Step("Fix the cart", 0).ToJsonString());
        await ChatRequests.PostReadAsync(proxy.Client, Step("Fix the cart", 1).ToJsonString());
        await ChatRequests.PostReadAsync(proxy.Client, Step("Write the README", 0).ToJsonString());
        await ChatRequests.PostReadAsync(other, Step("Fix the cart", 0).ToJsonString());

        var keys = proxy.Upstream.ChatRequests.Select(CacheKey).ToList();
        Assert.All(keys, k => Assert.StartsWith("cursoraspire-", k));
        Assert.Equal(keys[0], keys[1]);
        Assert.NotEqual(keys[0], keys[2]);
        Assert.NotEqual(keys[0], keys[3]);
        // The key tells the provider nothing: no key id, no prompt text.
        Assert.DoesNotContain("cart", keys[0]!, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("Fix the cart")]
    [InlineData("naïve 🙂 \ud800")]
    [InlineData("")]
    public void ASessionsKeyStaysWhatItWas(string firstUserText)
    {
        // A key that changed with an upgrade would start every session's provider cache over.
        var request = new ParsedChatRequest
        {
            Model = "remote",
            Messages = [new ChatMessage(ChatRole.System, "You are Cursor."), new ChatMessage(ChatRole.User, firstUserText)],
            Options = new ChatOptions(),
            Shape = RequestShape.ChatCompletions,
        };
        var expected = "cursoraspire-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"key-0a1b2c\n{firstUserText}")).AsSpan(0, 16));

        Assert.Equal(expected, PromptCacheKey.For(request, "key-0a1b2c"));
    }

    [Fact]
    public async Task PromptCachingOffSendsNoKey()
    {
        await using var proxy = await ProxyHost.StartWithStandInAsync(settings: new Dictionary<string, string?> { ["Proxy:Models:remote:PromptCaching"] = "false" });

        var (response, _) = await ChatRequests.PostReadAsync(proxy.Client, Step("Fix the cart", 0).ToJsonString());

        response.EnsureSuccessStatusCode();
        Assert.False(proxy.Upstream.ChatRequests.Single().Json!.AsObject().ContainsKey("prompt_cache_key"));
    }

    [Fact]
    public async Task CursorsConversationIdKeepsTheKeyEvenWhenTheFirstMessageDiffers()
    {
        await using var proxy = await ProxyHost.StartWithStandInAsync();
        foreach (var text in (string[])["first", "second"])
        {
            var body = JsonNode.Parse(ChatRequests.Fixture(CursorFixtures.ResponsesShapedAgent, "remote", stream: false))!.AsObject();
            body["input"]!.AsArray().Insert(0, new JsonObject { ["role"] = "user", ["content"] = text });
            (await ChatRequests.PostReadAsync(proxy.Client, body.ToJsonString())).Response.EnsureSuccessStatusCode();
        }

        Assert.Equal(CacheKey(proxy.Upstream.ChatRequests[0]), CacheKey(proxy.Upstream.ChatRequests[1]));
    }

    [Theory]
    [InlineData("gpt-4o-mini")]
    [InlineData("deepseek-chat")]
    public async Task TheNextStepsCacheReadsReachCursorAsCachedTokens(string upstreamModel)
    {
        await using var upstream = await OpenAIStandIn.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(ProxyHost.OpenAIConfig(upstream.ApiBaseUri, upstreamModel));

        var (_, first) = await ChatRequests.PostReadAsync(proxy.Client, Step("Fix the cart", 0).ToJsonString());
        var (_, second) = await ChatRequests.PostReadAsync(proxy.Client, Step("Fix the cart", 1).ToJsonString());

        Assert.False(SseChunks.AssertContract(first, "remote").Usage.TryGetProperty("prompt_tokens_details", out var none) && none.GetProperty("cached_tokens").GetInt64() > 0);
        var usage = SseChunks.AssertContract(second, "remote").Usage;
        var cached = usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt64();
        // For deepseek-* the stand-in reports only DeepSeek's prompt_cache_hit_tokens (its own tests check the dialect).
        Assert.True(cached >= 1024 && cached % 128 == 0, $"cached_tokens {cached}");
    }
}
