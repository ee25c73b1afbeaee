using System.ClientModel;
using System.ClientModel.Primitives;
using OpenAI;
using OpenAI.Chat;

namespace CursorAspire.TestUpstreams.Tests.OpenAI;

/// <summary>The OpenAI stand-in driven by the official OpenAI .NET client.</summary>
public sealed class OpenAIStandInTests
{
    private static CancellationToken Deadline() => new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token;

    private static ChatClient Client(OpenAIStandIn openai, string apiKey = "sk-test") =>
        new("gpt-4o-mini", new ApiKeyCredential(apiKey), new OpenAIClientOptions
        {
            Endpoint = openai.ApiBaseUri,
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0), // a scripted 429 must surface, not be retried
        });

    [Fact]
    public async Task OfficialClientStreamsTextAndUsage()
    {
        await using var openai = await OpenAIStandIn.StartAsync();
        openai.Enqueue(StandInReply.FromText("Hel", "lo ", "there") with { Usage = new StandInUsage(31, 4) });

        var text = new StringBuilder();
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;
        await foreach (var update in Client(openai).CompleteChatStreamingAsync([new UserChatMessage("Hi")], cancellationToken: Deadline()))
        {
            text.Append(string.Concat(update.ContentUpdate.Select(p => p.Text)));
            usage ??= update.Usage;
            finish ??= update.FinishReason;
        }

        Assert.Equal("Hello there", text.ToString());
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.Equal(31, usage?.InputTokenCount);
        Assert.Equal(4, usage?.OutputTokenCount);
        Assert.Equal(35, usage?.TotalTokenCount);
        var request = await openai.NextChatRequestAsync(cancellationToken: Deadline());
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal("Bearer sk-test", request.Headers["Authorization"]);
        Assert.True(request.JsonElement!.Value.GetProperty("stream").GetBoolean());
    }

    [Fact]
    public async Task OfficialClientReassemblesStreamedToolCalls()
    {
        await using var openai = await OpenAIStandIn.StartAsync();
        openai.Enqueue(StandInReply.FromToolCalls(
            new StandInToolCall("read_file", """{"target_file":"src/Program.cs","explanation":"look \"here\""}""", Id: "call_fixed"),
            new StandInToolCall("grep", """{"query":"TODO"}""")));

        var ids = new Dictionary<int, string>();
        var names = new Dictionary<int, string>();
        var arguments = new Dictionary<int, StringBuilder>();
        var argumentUpdates = 0;
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        await foreach (var update in Client(openai).CompleteChatStreamingAsync([new UserChatMessage("Look")], cancellationToken: Deadline()))
        {
            foreach (var call in update.ToolCallUpdates)
            {
                if (call.ToolCallId is not null) { ids[call.Index] = call.ToolCallId; }
                if (call.FunctionName is not null) { names[call.Index] = call.FunctionName; }
                var fragment = call.FunctionArgumentsUpdate?.ToString() ?? string.Empty;
                if (fragment.Length > 0) { argumentUpdates++; }
                (arguments.TryGetValue(call.Index, out var sb) ? sb : arguments[call.Index] = new StringBuilder()).Append(fragment);
            }

            finish ??= update.FinishReason;
            usage ??= update.Usage;
        }

        Assert.Equal(["read_file", "grep"], [names[0], names[1]]);
        Assert.Equal("call_fixed", ids[0]);
        Assert.StartsWith("call_", ids[1]);
        Assert.Equal("""{"target_file":"src/Program.cs","explanation":"look \"here\""}""", arguments[0].ToString());
        Assert.Equal("""{"query":"TODO"}""", arguments[1].ToString());
        Assert.True(argumentUpdates > 2, "arguments should arrive in several fragments");
        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        Assert.NotNull(usage);
    }

    [Fact]
    public async Task OfficialClientGetsNonStreamingCompletion()
    {
        await using var openai = await OpenAIStandIn.StartAsync();
        openai.Enqueue(StandInReply.FromText("Whole ", "answer"));

        ChatCompletion completion = await Client(openai).CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: Deadline());

        Assert.Equal("Whole answer", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal(10, completion.Usage.InputTokenCount);
        Assert.Equal(5, completion.Usage.OutputTokenCount);
    }

    [Fact]
    public async Task ScriptedStatusSurfacesAsClientResultExceptionWithRetryAfter()
    {
        await using var openai = await OpenAIStandIn.StartAsync();
        openai.Enqueue(StandInReply.FromError(429, "Rate limit reached", TimeSpan.FromSeconds(7)));

        var ex = await Assert.ThrowsAsync<ClientResultException>(async () =>
        {
            await foreach (var _ in Client(openai).CompleteChatStreamingAsync([new UserChatMessage("Hi")], cancellationToken: Deadline()))
            {
            }
        });

        Assert.Equal(429, ex.Status);
        var raw = ex.GetRawResponse()!;
        Assert.True(raw.Headers.TryGetValue("Retry-After", out var retryAfter));
        Assert.Equal("7", retryAfter);
        var error = JsonDocument.Parse(raw.Content.ToString()).RootElement.GetProperty("error");
        Assert.Equal("Rate limit reached", error.GetProperty("message").GetString());
        Assert.Equal("rate_limit_exceeded", error.GetProperty("code").GetString());
        Assert.Equal(1, openai.CallCount);
    }

    [Fact]
    public async Task WrongApiKeyIs401InOpenAIErrorShape()
    {
        await using var openai = await OpenAIStandIn.StartAsync(new OpenAIStandInOptions { ApiKey = "sk-right" });

        var ex = await Assert.ThrowsAsync<ClientResultException>(() => Client(openai, "sk-wrong").CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: Deadline()));

        Assert.Equal(401, ex.Status);
        Assert.Contains("invalid_api_key", ex.GetRawResponse()!.Content.ToString());
    }

    [Fact]
    public async Task UsageChunkIsAbsentWhenReplyHasNoUsage()
    {
        await using var openai = await OpenAIStandIn.StartAsync();
        openai.Enqueue(StandInReply.FromText("x") with { Usage = null });
        using var http = new HttpClient { BaseAddress = openai.BaseUri };

        using var response = await http.PostAsync("v1/chat/completions", new StringContent(
            """{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}"""), Deadline());
        var events = (await response.Content.ReadAsStringAsync(Deadline())).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("data: [DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e["data: ".Length..]).RootElement).ToList();
        Assert.All(chunks, c => Assert.Equal(1, c.GetProperty("choices").GetArrayLength()));
        Assert.Equal("stop", chunks[^1].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task ModelsEndpointListsConfiguredModels()
    {
        await using var openai = await OpenAIStandIn.StartAsync(new OpenAIStandInOptions { Models = ["a-model", "b-model"] });
        using var http = new HttpClient { BaseAddress = openai.BaseUri };

        var body = JsonDocument.Parse(await http.GetStringAsync("v1/models", Deadline())).RootElement;

        Assert.Equal("list", body.GetProperty("object").GetString());
        Assert.Equal(["a-model", "b-model"], body.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task MalformedBodyGets400InOpenAIErrorShape()
    {
        await using var openai = await OpenAIStandIn.StartAsync();
        using var http = new HttpClient { BaseAddress = openai.BaseUri };

        using var response = await http.PostAsync("v1/chat/completions", new StringContent("{not json"), Deadline());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Deadline())).RootElement.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(0, openai.PendingReplies);
    }
}
