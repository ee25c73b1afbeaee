namespace CursorAspire.Proxy.Tests.Routing;

/// <summary>
/// Cursor's variant names (<c>ant-thinking</c>, <c>antthink-high</c>), the effort default of a thinking alias and the
/// output room, through the router and the real proxy to each provider's stand-in, with the aliases configured exactly
/// as issue 20's acceptance names them (<see cref="CursorAliasesProxy"/>).
/// </summary>
public class VariantNamesAndEffortTests
{
    /// <summary>A Cursor Ask turn with its usual <c>temperature: 0</c> and <c>max_tokens</c>, and no effort.</summary>
    private static string CursorTurn(string model, string? effort = null, int maxTokens = 4096)
    {
        var body = JsonNode.Parse(ChatRequests.Simple(model))!.AsObject();
        body["temperature"] = 0;
        body["max_tokens"] = maxTokens;
        if (effort is not null)
        {
            body["reasoning"] = new JsonObject { ["effort"] = effort };
        }
        return body.ToJsonString();
    }

    private static async Task<JsonObject> SendAsync(CursorAliasesProxy aliases, StandInServer upstream, string body, string model)
    {
        var (response, text) = await ChatRequests.PostReadAsync(aliases.Proxy.Client, body);
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        SseChunks.AssertContract(text, model); // the name as Cursor sent it, suffix and all
        return upstream.ChatRequests[^1].Json!.AsObject();
    }

    [Fact]
    public async Task AntThinkingReachesTheModelAntIsConfiguredWithAndAntHasNoThinking()
    {
        await using var aliases = await CursorAliasesProxy.StartAsync();

        var sent = await SendAsync(aliases, aliases.Anthropic, CursorTurn("ant-thinking"), "ant-thinking");

        Assert.Equal(CursorAliasesProxy.AnthropicModel, (string?)sent["model"]);
        Assert.False(sent.ContainsKey("thinking")); // ant has no Reasoning: the variant asks for nothing it may not send
        Assert.Single(aliases.Anthropic.ChatRequests);
        Assert.Empty(aliases.Ollama.ChatRequests); // not the default model
    }

    [Fact]
    public async Task AntthinkHighReachesTheModelWithThinkingOnAtTheHighBudget()
    {
        await using var aliases = await CursorAliasesProxy.StartAsync();

        var sent = await SendAsync(aliases, aliases.Anthropic, CursorTurn("antthink-high"), "antthink-high");

        Assert.Equal(CursorAliasesProxy.AnthropicModel, (string?)sent["model"]);
        Assert.Equal("enabled", (string?)sent["thinking"]!["type"]);
        Assert.Equal(16_384, (int)sent["thinking"]!["budget_tokens"]!);
        // The answer keeps its room beside the budget; Cursor's temperature 0 is left out (the API takes only 1).
        Assert.Equal(16_384 + 16_384, (int)sent["max_tokens"]!);
        Assert.False(sent.ContainsKey("temperature"));
    }

    [Theory]
    [InlineData("antthink-thinking", 8_192)]            // thinking on, no effort anywhere: medium
    [InlineData("antthink-minimal", 1_024)]
    [InlineData("antthink-xhigh", 32_768)]
    [InlineData("antthink-thinking-low", 1_024)]
    public async Task ThinkingAndEffortSuffixesSetTheThinkingBudget(string model, int budget)
    {
        await using var aliases = await CursorAliasesProxy.StartAsync();

        var sent = await SendAsync(aliases, aliases.Anthropic, CursorTurn(model), model);

        Assert.Equal(budget, (int)sent["thinking"]!["budget_tokens"]!);
    }

    [Theory]
    [InlineData("ant-fast")]
    [InlineData("ant-max")]
    [InlineData("ant-auto")]
    [InlineData("antthink-fast")]
    public async Task FastMaxAndAutoChangeNothing(string model)
    {
        await using var aliases = await CursorAliasesProxy.StartAsync();

        var sent = await SendAsync(aliases, aliases.Anthropic, CursorTurn(model), model);

        Assert.Equal(CursorAliasesProxy.AnthropicModel, (string?)sent["model"]);
        Assert.False(sent.ContainsKey("thinking")); // antthink without an effort thinks only when asked, as before
    }

    [Fact]
    public async Task OaieffortWithoutAnEffortGetsItsDefaultAndTheRequestsOwnEffortWins()
    {
        await using var aliases = await CursorAliasesProxy.StartAsync();

        var defaulted = await SendAsync(aliases, aliases.OpenAI, CursorTurn("oaieffort"), "oaieffort");
        var own = await SendAsync(aliases, aliases.OpenAI, CursorTurn("oaieffort", effort: "high"), "oaieffort");
        var variant = await SendAsync(aliases, aliases.OpenAI, CursorTurn("oaieffort-medium"), "oaieffort-medium");

        Assert.Equal("o4-mini", (string?)defaulted["model"]);
        Assert.Equal("low", (string?)defaulted["reasoning_effort"]);
        Assert.Equal("high", (string?)own["reasoning_effort"]);
        Assert.Equal("medium", (string?)variant["reasoning_effort"]);
    }

    [Fact]
    public async Task LocalVariantsReachTheLocalModel()
    {
        await using var aliases = await CursorAliasesProxy.StartAsync();

        var (response, body) = await ChatRequests.PostReadAsync(aliases.Proxy.Client, CursorTurn("local-high"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        SseChunks.AssertContract(body, "local-high");
        var sent = aliases.Ollama.ChatRequests.Single().Json!.AsObject();
        Assert.Equal(CursorAliasesProxy.OllamaModel, (string?)sent["model"]);
        Assert.False(sent.ContainsKey("think")); // local has no Reasoning
        Assert.DoesNotContain(aliases.Proxy.Logs.Lines, l => l.Contains("is not configured; routed to the default model", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AVariantIsLoggedOncePerName()
    {
        await using var aliases = await CursorAliasesProxy.StartAsync();

        for (var i = 0; i < 3; i++)
        {
            await SendAsync(aliases, aliases.Anthropic, CursorTurn("antthink-high"), "antthink-high");
        }
        await SendAsync(aliases, aliases.Anthropic, CursorTurn("ant-thinking"), "ant-thinking");

        Assert.Single(aliases.Proxy.Logs.Lines, l => l.Contains("Model antthink-high is Cursor's variant -high of antthink", StringComparison.Ordinal));
        Assert.Single(aliases.Proxy.Logs.Lines, l => l.Contains("Model ant-thinking is Cursor's variant -thinking of ant", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ASuffixOnAnUnknownNameStillGoesToTheDefaultModel()
    {
        await using var aliases = await CursorAliasesProxy.StartAsync();

        var (response, _) = await ChatRequests.PostReadAsync(aliases.Proxy.Client, CursorTurn("gpt-5-high"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(aliases.Ollama.ChatRequests); // the default, local
        Assert.Empty(aliases.Anthropic.ChatRequests);
        Assert.Contains(aliases.Proxy.Logs.Lines, l => l.Contains("Model gpt-5-high is not configured; routed to the default model local", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ASuffixNeverTakesAnUnconfiguredModelToAProviderThatAllowsNoOtherModel()
    {
        await using var aliases = await CursorAliasesProxy.StartAsync();

        var (response, body) = await ChatRequests.PostReadAsync(aliases.Proxy.Client, CursorTurn("anthropic/claude-opus-4-1-high"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("model_not_found", (string?)ChatRequests.AssertOpenAIError(body)["code"]);
        Assert.Empty(aliases.Anthropic.ChatRequests);
    }

    [Fact]
    public async Task ADirectNameWithASuffixTakesItsAliasAndItsSettings()
    {
        await using var aliases = await CursorAliasesProxy.StartAsync();

        var sent = await SendAsync(aliases, aliases.OpenAI, CursorTurn("openai/o4-mini-high"), "openai/o4-mini-high");

        Assert.Equal("o4-mini", (string?)sent["model"]);
        Assert.Equal("high", (string?)sent["reasoning_effort"]);
    }

    [Fact]
    public async Task AKeysModelListAppliesToTheAliasInFrontOfTheSuffix()
    {
        await using var aliases = await CursorAliasesProxy.StartAsync(new Dictionary<string, string?>
        {
            ["Proxy:Keys:alice:Key"] = "alice-key-0123456789abcdef",
            ["Proxy:Keys:alice:Models:0"] = "antthink",
        });
        using var alice = aliases.Proxy.CreateClient("alice-key-0123456789abcdef");

        var (allowed, allowedBody) = await ChatRequests.PostReadAsync(alice, CursorTurn("antthink-high"));
        var (refused, refusedBody) = await ChatRequests.PostReadAsync(alice, CursorTurn("ant-thinking"));

        Assert.True(allowed.StatusCode == HttpStatusCode.OK, allowedBody);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("model_not_allowed", (string?)ChatRequests.AssertOpenAIError(refusedBody)["code"]);
        Assert.Single(aliases.Anthropic.ChatRequests);
    }

    [Fact]
    public async Task AnthropicRaisesALowMaxTokensToItsOutputRoomWithinTheAliasCeiling()
    {
        await using var aliases = await CursorAliasesProxy.StartAsync(new Dictionary<string, string?>
        {
            ["Proxy:Models:antthink:MaxOutputTokens"] = "12000",
        });

        var raised = await SendAsync(aliases, aliases.Anthropic, CursorTurn("ant", maxTokens: 4096), "ant");
        var clamped = await SendAsync(aliases, aliases.Anthropic, CursorTurn("antthink", maxTokens: 4096), "antthink");
        var ceiling = await SendAsync(aliases, aliases.Anthropic, CursorTurn("ant", maxTokens: 100_000), "ant");

        Assert.Equal(16_384, (int)raised["max_tokens"]!);
        Assert.Equal(12_000, (int)clamped["max_tokens"]!);
        Assert.Equal(64_000, (int)ceiling["max_tokens"]!); // claude-sonnet-4-5's own ceiling; above it the API refuses
    }

    [Fact]
    public async Task MinOutputTokensIsOffElsewhereUnlessConfigured()
    {
        await using var aliases = await CursorAliasesProxy.StartAsync(new Dictionary<string, string?>
        {
            ["Proxy:Models:local:MinOutputTokens"] = "2048",
        });

        var openai = await SendAsync(aliases, aliases.OpenAI, CursorTurn("oaieffort", maxTokens: 300), "oaieffort");
        await ChatRequests.PostReadAsync(aliases.Proxy.Client, CursorTurn("local", maxTokens: 300));

        Assert.Equal(300, (int)openai["max_completion_tokens"]!);
        Assert.Equal(2048, (int)aliases.Ollama.ChatRequests.Single().Json!["options"]!["num_predict"]!);
    }

    [Theory]
    [InlineData("Proxy:Models:oaieffort:ReasoningEffort", "extreme", "Proxy:Models:oaieffort:ReasoningEffort 'extreme' is not one of minimal, low, medium, high, xhigh.")]
    [InlineData("Proxy:Models:oaieffort:Reasoning", "false", "Proxy:Models:oaieffort:ReasoningEffort is set, but the alias does not pass reasoning effort on")]
    [InlineData("Proxy:Models:ant:MinOutputTokens", "0", "Proxy:Models:ant:MinOutputTokens must be positive.")]
    public async Task BadSettingsFailStartUpNamingTheKey(string key, string value, string message)
    {
        var configuration = CursorAliasesProxy.Configuration(new Uri("http://127.0.0.1:1/"), new Uri("http://127.0.0.1:2/v1/"), new Uri("http://127.0.0.1:3/"));
        configuration[key] = value;

        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var proxy = await ProxyHost.StartAsync(configuration);
        });

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
