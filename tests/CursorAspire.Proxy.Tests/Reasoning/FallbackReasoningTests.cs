// The OpenAI .NET client's Responses API is experimental (OPENAI001); used on purpose as a strict consumer.
#pragma warning disable OPENAI001

using System.ClientModel;
using System.ClientModel.Primitives;
using OpenAI.Responses;

namespace CursorAspire.Proxy.Tests.Reasoning;

/// <summary>
/// Reasoning a fallback wrote belongs to the fallback's provider: a stored conversation continued on the first route
/// does not hand it to that route's provider as its own (Anthropic refuses thinking it did not sign).
/// </summary>
public sealed class FallbackReasoningTests
{
    private const string Key = "sk-fallback-reasoning-0123456789abcdef";

    [Fact]
    public async Task AStoredTurnAFallbackAnsweredIsNotGivenToTheFirstProviderAsItsOwnThinking()
    {
        await using var anthropic = await AnthropicStandIn.StartAsync(new AnthropicStandInOptions { ApiKey = "sk-ant-upstream" });
        await using var deepseek = await OpenAIStandIn.StartAsync(new OpenAIStandInOptions { ApiKey = "sk-deepseek-upstream" });
        await using var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?>
        {
            ["Proxy:ApiKeys:0"] = Key,
            ["Proxy:DefaultModel"] = "claude",
            ["Proxy:Retry:MaxAttempts"] = "1",
            ["Proxy:Providers:anthropic:Kind"] = "Anthropic",
            ["Proxy:Providers:anthropic:Endpoint"] = anthropic.BaseUri.ToString(),
            ["Proxy:Providers:anthropic:ApiKey"] = "sk-ant-upstream",
            ["Proxy:Providers:deepseek:Kind"] = "OpenAI",
            ["Proxy:Providers:deepseek:Endpoint"] = deepseek.ApiBaseUri.ToString(),
            ["Proxy:Providers:deepseek:ApiKey"] = "sk-deepseek-upstream",
            ["Proxy:Models:claude:Provider"] = "anthropic",
            ["Proxy:Models:claude:Model"] = "claude-sonnet-4-5",
            ["Proxy:Models:claude:Reasoning"] = "true",
            ["Proxy:Models:claude:Fallbacks:0"] = "ds",
            ["Proxy:Models:ds:Provider"] = "deepseek",
            ["Proxy:Models:ds:Model"] = "deepseek-reasoner",
            ["Proxy:Models:ds:Reasoning"] = "true",
        });
        var client = new ResponsesClient(new ApiKeyCredential(Key), new ResponsesClientOptions
        {
            Endpoint = new Uri(proxy.BaseUri, "v1/"),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        });
        var readFile = ResponseTool.CreateFunctionTool("read_file",
            BinaryData.FromString("""{"type":"object","properties":{"path":{"type":"string"}}}"""), false, "Reads a file.");
        CreateResponseOptions Options(ResponseItem input, string? previous)
        {
            var options = new CreateResponseOptions("claude", [input])
            {
                PreviousResponseId = previous,
                ReasoningOptions = new ResponseReasoningOptions { ReasoningEffortLevel = ResponseReasoningEffortLevel.Medium },
            };
            options.Tools.Add(readFile);
            return options;
        }

        // Claude is overloaded: DeepSeek thinks and calls the tool.
        anthropic.Enqueue(StandInReply.FromError(529, "Overloaded"));
        deepseek.Enqueue(ThinkingUpstream.ToolTurn(1));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        ResponseResult first = await client.CreateResponseAsync(Options(ResponseItem.CreateUserMessageItem("Read the file."), null), timeout.Token);
        var call = first.OutputItems.OfType<FunctionCallResponseItem>().Single();
        Assert.Single(deepseek.ChatRequests);

        // Claude is back: the continuation goes to it. DeepSeek's reasoning is not Claude's signed thinking, so the
        // turn goes without it, and without extended thinking (Anthropic refuses a final turn without a thinking block).
        anthropic.Enqueue(ThinkingUpstream.Answer());
        ResponseResult second = await client.CreateResponseAsync(Options(ResponseItem.CreateFunctionCallOutputItem(call.CallId, "file 1"), first.Id), timeout.Token);

        Assert.Equal("Done: all files read.", second.GetOutputText());
        var sent = anthropic.ChatRequests[^1].Json!;
        var assistant = sent["messages"]!.AsArray().Single(m => (string?)m!["role"] == "assistant")!["content"]!.AsArray();
        Assert.DoesNotContain(assistant, b => (string?)b!["type"] is "thinking" or "redacted_thinking");
        Assert.Contains(assistant, b => (string?)b!["type"] == "tool_use");
        Assert.Null(sent["thinking"]);
    }
}
