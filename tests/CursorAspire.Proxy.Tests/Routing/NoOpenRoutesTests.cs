using CursorAspire.Proxy.Pipeline;
using CursorAspire.Proxy.Routing;

namespace CursorAspire.Proxy.Tests.Routing;

/// <summary>
/// <c>&lt;provider&gt;/&lt;model&gt;</c> reaches only models configured on that provider (a leaked key must not spend on
/// any model the upstream account has), unless the provider allows any model; those routes' pipelines are bounded.
/// An alias's <c>MaxOutputTokens</c> caps what one request can make a model write.
/// </summary>
public sealed class NoOpenRoutesTests
{
    [Fact]
    public async Task AnUnconfiguredProviderModelIsA404AndTheUpstreamIsUntouched()
    {
        await using var guarded = await GuardedProxy.StartAsync();

        var (response, body) = await ChatRequests.PostReadAsync(guarded.Proxy.Client, ChatRequests.Simple("openai/any-unlisted-model-xyz", stream: false));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = ChatRequests.AssertOpenAIError(body);
        Assert.Equal("model_not_found", (string?)error["code"]);
        Assert.Contains("AllowAnyModel", (string?)error["message"]);
        Assert.Empty(guarded.OpenAI.ChatRequests);
    }

    [Fact]
    public async Task AConfiguredProviderModelRoutesWithItsAliasSettings()
    {
        await using var guarded = await GuardedProxy.StartAsync(new Dictionary<string, string?> { ["Proxy:Models:remote:MaxOutputTokens"] = "77" });

        var (response, _) = await ChatRequests.PostReadAsync(guarded.Proxy.Client, ChatRequests.Simple("openai/gpt-4o-mini", stream: false));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = Assert.Single(guarded.OpenAI.ChatRequests).Json!;
        Assert.Equal("gpt-4o-mini", (string?)sent["model"]);
        Assert.Equal(77, (int?)(sent["max_completion_tokens"] ?? sent["max_tokens"]));
    }

    [Fact]
    public async Task AnyModelOfAnAllowingProviderRoutesAndItsPipelinesAreBounded()
    {
        await using var guarded = await GuardedProxy.StartAsync(new Dictionary<string, string?> { ["Proxy:Providers:openai:AllowAnyModel"] = "true" });
        var pipelines = guarded.Proxy.Services.GetRequiredService<RoutePipelines>();

        for (var i = 0; i < RoutePipelines.MaxAnyModelPipelines + 8; i++)
        {
            var (response, _) = await ChatRequests.PostReadAsync(guarded.Proxy.Client, ChatRequests.Simple($"openai/model-{i}", stream: false));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(pipelines.AnyModelPipelineCount <= RoutePipelines.MaxAnyModelPipelines, $"{pipelines.AnyModelPipelineCount} pipelines kept");
        }
        Assert.Equal($"model-{RoutePipelines.MaxAnyModelPipelines + 7}", guarded.OpenAI.ChatRequests[^1].Model);
    }

    [Fact]
    public async Task AThousandMadeUpModelNamesLeaveBoundedStateBehind()
    {
        await using var guarded = await GuardedProxy.StartAsync(new Dictionary<string, string?>
        {
            ["Proxy:Providers:openai:AllowAnyModel"] = "true",
            ["Proxy:RateLimit:RequestsPerMinute"] = "0",
            ["Proxy:Cache:Enabled"] = "false",
        });
        var pipelines = guarded.Proxy.Services.GetRequiredService<RoutePipelines>();

        for (var i = 0; i < 1000; i++)
        {
            var (response, _) = await ChatRequests.PostReadAsync(guarded.Proxy.Client, ChatRequests.Simple($"openai/made-up-{i}", stream: false));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(pipelines.AnyModelPipelineCount <= RoutePipelines.MaxAnyModelPipelines, $"{pipelines.AnyModelPipelineCount} pipelines kept");
        }

        // Evicted pipelines are disposed (their provider clients, meters and instruments with them), not merely forgotten;
        // eviction runs in the background, so wait for it.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (pipelines.LiveAnyModelPipelines > RoutePipelines.MaxAnyModelPipelines)
        {
            await Task.Delay(20, deadline.Token);
        }
        // Usage and metrics name the first 64 models; the rest count together.
        var models = JsonNode.Parse(await guarded.Proxy.Client.GetStringAsync("v1/usage"))!["today"]!["models"]!.AsObject();
        Assert.InRange(models.Count, 2, ModelRouter.MaxReportedAnyModelNames + 1);
        Assert.Equal(1000 - ModelRouter.MaxReportedAnyModelNames, (long)models["openai/other"]!["requests"]!);
    }

    [Theory]
    [InlineData(5000, 256)]
    [InlineData(100, 100)]
    [InlineData(null, 256)]
    public async Task MaxOutputTokensClampsWhatTheModelMayWrite(int? requested, int expected)
    {
        await using var guarded = await GuardedProxy.StartAsync(new Dictionary<string, string?>
        {
            ["Proxy:Models:remote:MaxOutputTokens"] = "256",
            ["Proxy:Models:local:MaxOutputTokens"] = "256",
        });

        foreach (var model in (string[])["remote", "local"])
        {
            var body = JsonNode.Parse(ChatRequests.Simple(model, stream: false))!.AsObject();
            if (requested is { } max)
            {
                body["max_tokens"] = max;
            }
            (await ChatRequests.PostAsync(guarded.Proxy.Client, body.ToJsonString())).EnsureSuccessStatusCode();
        }

        var openai = guarded.OpenAI.ChatRequests.Single().Json!;
        Assert.Equal(expected, (int?)(openai["max_completion_tokens"] ?? openai["max_tokens"]));
        // Ollama's num_predict: a looping local model stops there.
        Assert.Equal(expected, (int?)guarded.Ollama.ChatRequests.Single().Json!["options"]!["num_predict"]);
    }

    [Fact]
    public async Task OllamaGetsAnAnswerRoomEvenWithoutAnyLimitConfigured()
    {
        await using var guarded = await GuardedProxy.StartAsync();

        (await ChatRequests.PostAsync(guarded.Proxy.Client, ChatRequests.Simple("local", stream: false))).EnsureSuccessStatusCode();

        var options = guarded.Ollama.ChatRequests.Single().Json!["options"]!;
        Assert.Equal(4096, (int?)options["num_predict"]);
        Assert.True((int?)options["num_ctx"] >= 4096);
    }
}
