using CursorAspire.Proxy.Compaction;

namespace CursorAspire.Proxy.Tests.Compaction;

/// <summary>
/// Compaction is an alias's choice (<c>Proxy:Models:&lt;alias&gt;:Compaction</c>): a remote alias may opt in when it
/// says its window, and then compacts the same way; without the window it is refused at start.
/// </summary>
public sealed class CompactionConfigurationTests
{
    [Fact]
    public async Task ARemoteAliasWithCompactionButNoWindowFailsStartNamingTheKey()
    {
        var config = ProxyHost.OpenAIConfig(new Uri("http://127.0.0.1:9/v1/")).With("Proxy:Models:remote:Compaction", "true");

        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var proxy = await ProxyHost.StartAsync(config);
        });

        Assert.Contains("Proxy:Models:remote:Compaction needs Proxy:Models:remote:ContextLength", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARemoteAliasThatOptedInIsCompactedToItsConfiguredWindow()
    {
        await using var proxy = await ProxyHost.StartWithStandInAsync(settings: new Dictionary<string, string?>
        {
            ["Proxy:Models:remote:Compaction"] = "true",
            ["Proxy:Models:remote:ContextLength"] = "16384",
        });
        var openai = (OpenAIStandIn)proxy.Upstream;

        var (response, body) = await ChatRequests.PostReadAsync(proxy.Client, LongAgentBody("remote", turns: 40));

        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.True(response.Headers.Contains(PromptCompaction.HeaderName));
        var upstream = openai.ChatRequests.Single().Json!["messages"]!.AsArray();
        Assert.Contains(upstream, m => (string?)m!["role"] == "tool" && ((string?)m["content"])!.StartsWith(ElisionMarkers.Prefix, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnAliasThatDidNotOptInGoesWholeToTheUpstream()
    {
        await using var openai = await OpenAIStandIn.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(ProxyHost.OpenAIConfig(openai.ApiBaseUri).With("Proxy:Models:remote:ContextLength", "16384"));

        var (response, body) = await ChatRequests.PostReadAsync(proxy.Client, LongAgentBody("remote", turns: 40));

        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.False(response.Headers.Contains(PromptCompaction.HeaderName));
        Assert.DoesNotContain(openai.ChatRequests.Single().Body, ElisionMarkers.Prefix, StringComparison.Ordinal);
    }

    /// <summary>An agent conversation of <paramref name="turns"/> file reads, as Chat Completions JSON.</summary>
    internal static string LongAgentBody(string model, int turns)
    {
        var messages = new JsonArray
        {
            new JsonObject { ["role"] = "system", ["content"] = AgentConversation.SystemPrompt },
            new JsonObject { ["role"] = "user", ["content"] = AgentConversation.Task },
        };
        for (var i = 0; i < turns; i++)
        {
            messages.Add(new JsonObject
            {
                ["role"] = "assistant",
                ["tool_calls"] = new JsonArray(new JsonObject
                {
                    ["id"] = $"call_{i}",
                    ["type"] = "function",
                    ["function"] = new JsonObject { ["name"] = "read_file", ["arguments"] = $$"""{"target_file":"src/File{{i}}.cs"}""" },
                }),
            });
            messages.Add(new JsonObject { ["role"] = "tool", ["tool_call_id"] = $"call_{i}", ["content"] = AgentConversation.FileContents(i, 2_000) });
        }
        return new JsonObject { ["model"] = model, ["stream"] = false, ["messages"] = messages }.ToJsonString();
    }
}
