using CursorAspire.Proxy.Providers.Ollama;

namespace CursorAspire.Proxy.Tests.Providers.Ollama;

/// <summary>
/// Ollama's <c>num_ctx</c>: set on every request to fit the prompt plus room for the answer, in power-of-two steps,
/// never above the model's context length (configured, else read from <c>/api/show</c>); a prompt that cannot fit is
/// refused, never truncated.
/// </summary>
public class ContextWindowTests
{
    private static async Task<int> NumCtxForPromptAsync(int promptTokens, int? configuredContextLength = null, int standInContextLength = 131_072, int? maxTokens = null)
    {
        await using var ollama = await OllamaStandIn.StartAsync(new OllamaStandInOptions { ContextLength = standInContextLength, Models = ["qwen2.5-coder:7b"] });
        var config = ProxyHost.OllamaConfig(ollama.BaseUri);
        if (configuredContextLength is { } configured)
        {
            config["Proxy:Models:local:ContextLength"] = configured.ToString(CultureInfo.InvariantCulture);
        }
        await using var proxy = await ProxyHost.StartAsync(config);
        var body = System.Text.Json.Nodes.JsonNode.Parse(ChatRequests.Simple(text: new string('x', promptTokens * 4)))!.AsObject();
        if (maxTokens is { } max)
        {
            body["max_tokens"] = max;
        }

        var (response, text) = await ChatRequests.PostReadAsync(proxy.Client, body.ToJsonString());

        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return (int)ollama.ChatRequests.Single().Json!["options"]!["num_ctx"]!;
    }

    [Theory]
    [InlineData(100, 8_192)]        // small prompts get the 8K floor
    [InlineData(4_000, 8_192)]      // 4K prompt + 4K answer room
    [InlineData(5_000, 16_384)]     // crosses into the next step
    [InlineData(30_000, 65_536)]
    public async Task WindowFitsThePromptPlusAnswerRoomInPowerOfTwoSteps(int promptTokens, int expected) =>
        Assert.Equal(expected, await NumCtxForPromptAsync(promptTokens));

    [Fact]
    public async Task MaxTokensSetsTheAnswerRoom() =>
        Assert.Equal(16_384, await NumCtxForPromptAsync(1_000, maxTokens: 10_000));

    [Fact]
    public async Task WindowNeverExceedsTheContextLengthOllamaReports() =>
        Assert.Equal(24_576, await NumCtxForPromptAsync(20_000, standInContextLength: 24_576));

    [Fact]
    public async Task ConfiguredContextLengthWinsOverOllamas() =>
        Assert.Equal(12_000, await NumCtxForPromptAsync(9_000, configuredContextLength: 12_000, standInContextLength: 131_072));

    [Fact]
    public async Task PromptBeyondTheReportedContextLengthIsRefusedNamingBothNumbers()
    {
        await using var ollama = await OllamaStandIn.StartAsync(new OllamaStandInOptions { ContextLength = 8_192, Models = ["qwen2.5-coder:7b"] });
        await using var proxy = await ProxyHost.StartAsync(ProxyHost.OllamaConfig(ollama.BaseUri));

        var (response, body) = await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Simple(text: new string('x', 10_000 * 4)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = (string?)ChatRequests.AssertOpenAIError(body)["message"];
        Assert.Contains("8,192", message);
        Assert.Contains("10,0", message); // "about 10,00x tokens"
        Assert.Contains("Start a new chat", message);
        Assert.Equal(0, ollama.CallCount);
    }

    [Fact]
    public async Task KeepAliveIsSentSoTheRepeatedPrefixStaysLoaded()
    {
        await using var ollama = await OllamaStandIn.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(ProxyHost.OllamaConfig(ollama.BaseUri)
            .With("Proxy:Providers:ollama:KeepAlive", "2h"));

        await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Simple());

        Assert.Equal("2h", (string?)ollama.ChatRequests.Single().Json!["keep_alive"]);
    }

    [Fact]
    public void PlannerRefusesOnlyWhenNotEvenAMinimalAnswerFits()
    {
        var planner = new ContextWindowPlanner();
        Assert.Equal(8_192, planner.Plan(8_192 - ContextWindowPlanner.MinimumAnswerTokens, null, 8_192, "m"));
        Assert.Throws<CursorAspire.Proxy.Errors.ProxyException>(() => planner.Plan(8_192 - ContextWindowPlanner.MinimumAnswerTokens + 1, null, 8_192, "m"));
    }
}
