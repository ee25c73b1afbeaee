using System.ClientModel;
using OpenAI;
using OpenAI.Chat;

namespace CursorAspire.Proxy.Tests.Providers.OpenAI;

/// <summary>
/// The proxy in front of an OpenAI-compatible upstream (the real OpenAI client against an SSE stand-in), with the
/// official OpenAI .NET client as a strict consumer of the proxy's own stream.
/// </summary>
public class ChatCompletionsOverOpenAITests
{
    private static ChatClient OfficialClient(ProxyHost proxy, string model, string? prefix = "v1") =>
        new OpenAIClient(new ApiKeyCredential(ProxyHost.ApiKey), new OpenAIClientOptions { Endpoint = new Uri(proxy.BaseUri, prefix ?? string.Empty) })
            .GetChatClient(model);

    [Fact]
    public async Task OfficialClientStreamsTextAndToolCallsThroughTheProxy()
    {
        await using var upstream = await OpenAIStandIn.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(ProxyHost.OpenAIConfig(upstream.ApiBaseUri));
        upstream.Enqueue(new StandInReply
        {
            TextChunks = ["Reading ", "both files."],
            ToolCalls = [new StandInToolCall("read_file", """{"target_file":"a.py"}""", "call_A"), new StandInToolCall("grep", """{"pattern":"x \"y\""}""", "call_B")],
            Usage = new StandInUsage(321, 45),
        });

        var client = OfficialClient(proxy, "remote");
        var text = new StringBuilder();
        var calls = new Dictionary<int, (string? Id, string? Name, StringBuilder Args)>();
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        string? model = null;
        await foreach (var update in client.CompleteChatStreamingAsync(
            [new UserChatMessage("look")],
            new ChatCompletionOptions { Tools = { ChatTool.CreateFunctionTool("read_file", "r", BinaryData.FromString("""{"type":"object"}""")), ChatTool.CreateFunctionTool("grep", "g", BinaryData.FromString("""{"type":"object"}""")) } }))
        {
            model ??= update.Model;
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }
            foreach (var call in update.ToolCallUpdates)
            {
                if (!calls.TryGetValue(call.Index, out var entry))
                {
                    entry = (null, null, new StringBuilder());
                }
                entry.Id ??= call.ToolCallId;
                entry.Name ??= call.FunctionName;
                entry.Args.Append(call.FunctionArgumentsUpdate?.ToString());
                calls[call.Index] = entry;
            }
            finish ??= update.FinishReason;
            usage ??= update.Usage;
        }

        Assert.Equal("remote", model);
        Assert.Equal("Reading both files.", text.ToString());
        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        Assert.Equal([0, 1], calls.Keys.Order());
        Assert.Equal(("call_A", "read_file", """{"target_file":"a.py"}"""), (calls[0].Id, calls[0].Name, calls[0].Args.ToString()));
        Assert.Equal(("call_B", "grep", """{"pattern":"x \"y\""}"""), (calls[1].Id, calls[1].Name, calls[1].Args.ToString()));
        Assert.Equal(321, usage?.InputTokenCount);
        Assert.Equal(45, usage?.OutputTokenCount);
    }

    [Fact]
    public async Task OfficialClientNonStreamedCompletionWithToolCalls()
    {
        await using var upstream = await OpenAIStandIn.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(ProxyHost.OpenAIConfig(upstream.ApiBaseUri));
        upstream.Enqueue(StandInReply.FromToolCalls(new StandInToolCall("list_dir", """{"target_directory":"/src"}""", "call_Z9")));

        ChatCompletion completion = await OfficialClient(proxy, "remote").CompleteChatAsync([new UserChatMessage("ls")]);

        Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
        var call = Assert.Single(completion.ToolCalls);
        Assert.Equal("call_Z9", call.Id);
        Assert.Equal("list_dir", call.FunctionName);
        Assert.Equal("""{"target_directory":"/src"}""", call.FunctionArguments.ToString());
        Assert.Equal("remote", completion.Model);
    }

    [Fact]
    public async Task UpstreamReceivesTheHistoryByteExactAndItsOwnKey()
    {
        await using var upstream = await OpenAIStandIn.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(ProxyHost.OpenAIConfig(upstream.ApiBaseUri));
        using var fixture = CursorFixtures.Parse(CursorFixtures.AgentChatToolsMultiturn);

        var (response, body) = await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Fixture(CursorFixtures.AgentChatToolsMultiturn, "remote"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        SseChunks.AssertContract(body, "remote");
        var sent = upstream.ChatRequests.Single();
        Assert.Equal("Bearer upstream-secret", sent.Headers["Authorization"]); // the upstream's key, never the client's
        Assert.Equal("gpt-4o-mini", sent.Model);
        var sentMessages = sent.Json!["messages"]!.AsArray();
        var wireMessages = fixture.RootElement.GetProperty("messages");
        var wireIds = wireMessages.EnumerateArray().Where(m => m.TryGetProperty("tool_calls", out _))
            .SelectMany(m => m.GetProperty("tool_calls").EnumerateArray()).Select(c => c.GetProperty("id").GetString()).ToList();
        var sentIds = sentMessages.Where(m => m!["tool_calls"] is not null).SelectMany(m => m!["tool_calls"]!.AsArray()).Select(c => (string?)c!["id"]).ToList();
        Assert.Equal(wireIds, sentIds);
        var wireResults = wireMessages.EnumerateArray().Where(m => m.GetProperty("role").GetString() == "tool")
            .Select(m => (m.GetProperty("tool_call_id").GetString(), m.GetProperty("content").GetString())).ToList();
        var sentResults = sentMessages.Where(m => (string?)m!["role"] == "tool").Select(m => ((string?)m!["tool_call_id"], (string?)m!["content"])).ToList();
        Assert.Equal(wireResults, sentResults);
    }

    [Fact]
    public async Task UsageIsEstimatedWhenTheUpstreamReportsNone()
    {
        await using var upstream = await OpenAIStandIn.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(ProxyHost.OpenAIConfig(upstream.ApiBaseUri));
        upstream.Enqueue(new StandInReply { TextChunks = [new string('a', 80)], Usage = null });

        var (_, body) = await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Simple("remote", text: new string('q', 400)));

        var usage = SseChunks.AssertContract(body, "remote").Usage;
        Assert.InRange(usage.GetProperty("prompt_tokens").GetInt64(), 100, 120);
        Assert.Equal(20, usage.GetProperty("completion_tokens").GetInt64());
    }
}
