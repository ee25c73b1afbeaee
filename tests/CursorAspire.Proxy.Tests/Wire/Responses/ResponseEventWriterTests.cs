using System.Buffers;
using CursorAspire.Proxy.Wire.Responses;
using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Tests.Wire.Responses;

/// <summary>The Responses wire-out stage: updates in, named SSE events and the response object out.</summary>
public sealed class ResponseEventWriterTests
{
    private static readonly HashSet<string> ApplyPatch = new(StringComparer.Ordinal) { "ApplyPatch" };

    private static ResponseEnvelope Envelope(string json = """{"model":"my-model","input":"x"}""")
    {
        using var document = JsonDocument.Parse(json);
        return ResponseEnvelope.FromRequest(document.RootElement, "resp_test", 1_700_000_000);
    }

    private static (List<(string Event, JsonElement Data)> Events, JsonElement Response) Run(
        ResponseEventWriter writer, params ChatResponseUpdate[] updates)
    {
        var output = new ArrayBufferWriter<byte>();
        writer.WriteStart(output);
        foreach (var update in updates)
        {
            writer.WriteUpdate(update, output);
        }
        writer.WriteEnd(output);
        var response = writer.FinalResponse!;
        return (ResponseEvents.Parse(Encoding.UTF8.GetString(output.WrittenSpan)), JsonDocument.Parse(response).RootElement);
    }

    [Fact]
    public void TextStreamsAsTheMessageEventSequenceWithIncreasingSequenceNumbers()
    {
        var writer = new ResponseEventWriter(Envelope(), ReasoningOutputMode.ThinkTags) { EstimatedPromptTokens = 42 };
        var (events, response) = Run(writer,
            new ChatResponseUpdate(ChatRole.Assistant, "Hel"),
            new ChatResponseUpdate(ChatRole.Assistant, "lo \"you\""),
            new ChatResponseUpdate { Contents = [new UsageContent(new UsageDetails { InputTokenCount = 7, OutputTokenCount = 3 })], FinishReason = ChatFinishReason.Stop });

        Assert.Equal(
            [
                "response.created", "response.in_progress", "response.output_item.added", "response.content_part.added",
                "response.output_text.delta", "response.output_text.delta", "response.output_text.done",
                "response.content_part.done", "response.output_item.done", "response.completed",
            ],
            events.Select(e => e.Event));
        Assert.Equal(Enumerable.Range(0, events.Count), events.Select(e => e.Data.GetProperty("sequence_number").GetInt32()));
        Assert.Equal("in_progress", events[0].Data.GetProperty("response").GetProperty("status").GetString());
        var itemId = events[2].Data.GetProperty("item").GetProperty("id").GetString();
        Assert.StartsWith("msg_", itemId);
        Assert.Equal(itemId, events[4].Data.GetProperty("item_id").GetString());
        Assert.Equal("lo \"you\"", events[5].Data.GetProperty("delta").GetString());
        Assert.Equal("Hello \"you\"", events[6].Data.GetProperty("text").GetString());

        Assert.Equal("resp_test", response.GetProperty("id").GetString());
        Assert.Equal("response", response.GetProperty("object").GetString());
        Assert.Equal("completed", response.GetProperty("status").GetString());
        Assert.Equal("my-model", response.GetProperty("model").GetString());
        var message = Assert.Single(response.GetProperty("output").EnumerateArray());
        Assert.Equal("message", message.GetProperty("type").GetString());
        Assert.Equal("completed", message.GetProperty("status").GetString());
        Assert.Equal("Hello \"you\"", message.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal(7, response.GetProperty("usage").GetProperty("input_tokens").GetInt32());
        Assert.Equal(3, response.GetProperty("usage").GetProperty("output_tokens").GetInt32());
        Assert.Equal(10, response.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        Assert.Equal(response.GetRawText(), events[^1].Data.GetProperty("response").GetRawText());
    }

    [Fact]
    public void FunctionCallsStreamAsFunctionCallItemsWithByteExactCallIds()
    {
        var writer = new ResponseEventWriter(Envelope(), ReasoningOutputMode.ThinkTags) { EstimatedPromptTokens = 42 };
        var (events, response) = Run(writer,
            new ChatResponseUpdate(ChatRole.Assistant, "Reading."),
            new ChatResponseUpdate
            {
                Contents =
                [
                    new FunctionCallContent("call_Q2hC8pXw3nZkYb1vLr0tMd5a", "ReadFile", new Dictionary<string, object?> { ["path"] = "/a \"b\".py" }),
                    new FunctionCallContent("call_2", "Shell", new Dictionary<string, object?> { ["command"] = "ls" }),
                ],
                FinishReason = ChatFinishReason.ToolCalls,
            });

        var names = events.Select(e => e.Event).ToList();
        Assert.Equal(
            [
                "response.created", "response.in_progress",
                "response.output_item.added", "response.content_part.added", "response.output_text.delta",
                "response.output_text.done", "response.content_part.done", "response.output_item.done",
                "response.output_item.added", "response.function_call_arguments.delta", "response.function_call_arguments.done", "response.output_item.done",
                "response.output_item.added", "response.function_call_arguments.delta", "response.function_call_arguments.done", "response.output_item.done",
                "response.completed",
            ],
            names);
        var added = events[8].Data;
        Assert.Equal(1, added.GetProperty("output_index").GetInt32());
        Assert.Equal("function_call", added.GetProperty("item").GetProperty("type").GetString());
        Assert.Equal("", added.GetProperty("item").GetProperty("arguments").GetString());
        Assert.Equal("in_progress", added.GetProperty("item").GetProperty("status").GetString());
        Assert.Equal("""{"path":"/a \"b\".py"}""", events[10].Data.GetProperty("arguments").GetString());

        var output = response.GetProperty("output").EnumerateArray().ToList();
        Assert.Equal(3, output.Count);
        Assert.Equal("call_Q2hC8pXw3nZkYb1vLr0tMd5a", output[1].GetProperty("call_id").GetString());
        Assert.Equal("ReadFile", output[1].GetProperty("name").GetString());
        Assert.Equal("completed", output[1].GetProperty("status").GetString());
        Assert.StartsWith("fc_", output[1].GetProperty("id").GetString());
        Assert.Equal("""{"command":"ls"}""", output[2].GetProperty("arguments").GetString());
        Assert.Equal(2, writer.ToolCallCount);
    }

    [Fact]
    public void ACallOfACustomToolIsACustomToolCallItemWithTheRawInput()
    {
        const string patch = "*** Begin Patch\n*** Update File: a.py\n-x\n+y\n*** End Patch";
        var writer = new ResponseEventWriter(Envelope(), ReasoningOutputMode.ThinkTags, ApplyPatch) { EstimatedPromptTokens = 42 };
        var (events, response) = Run(writer, new ChatResponseUpdate
        {
            Contents = [new FunctionCallContent("call_p", "ApplyPatch", new Dictionary<string, object?> { ["input"] = patch })],
        });

        Assert.Contains(events, e => e.Event == "response.custom_tool_call_input.delta" && e.Data.GetProperty("delta").GetString() == patch);
        Assert.Contains(events, e => e.Event == "response.custom_tool_call_input.done" && e.Data.GetProperty("input").GetString() == patch);
        var item = Assert.Single(response.GetProperty("output").EnumerateArray());
        Assert.Equal("custom_tool_call", item.GetProperty("type").GetString());
        Assert.Equal("ApplyPatch", item.GetProperty("name").GetString());
        Assert.Equal("call_p", item.GetProperty("call_id").GetString());
        Assert.Equal(patch, item.GetProperty("input").GetString());
    }

    [Theory]
    [InlineData(ReasoningOutputMode.ThinkTags)]
    [InlineData(ReasoningOutputMode.ReasoningContent)]
    public void ReasoningTextBecomesAReasoningItemBeforeTheMessage(ReasoningOutputMode mode)
    {
        var writer = new ResponseEventWriter(Envelope(), mode) { EstimatedPromptTokens = 42 };
        var (events, response) = Run(writer,
            new ChatResponseUpdate { Contents = [new TextReasoningContent("Let me ")] },
            new ChatResponseUpdate { Contents = [new TextReasoningContent("think.")] },
            new ChatResponseUpdate(ChatRole.Assistant, "42"));

        Assert.Equal(2, events.Count(e => e.Event == "response.reasoning_text.delta"));
        Assert.Equal("Let me think.", events.Single(e => e.Event == "response.reasoning_text.done").Data.GetProperty("text").GetString());
        var output = response.GetProperty("output").EnumerateArray().ToList();
        Assert.Equal("reasoning", output[0].GetProperty("type").GetString());
        Assert.StartsWith("rs_", output[0].GetProperty("id").GetString());
        Assert.Equal("Let me think.", output[0].GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal("message", output[1].GetProperty("type").GetString());
        Assert.Equal("42", output[1].GetProperty("content")[0].GetProperty("text").GetString());
        Assert.DoesNotContain("<think>", response.GetRawText());
    }

    [Fact]
    public void OmittedReasoningProducesNoReasoningItem()
    {
        var writer = new ResponseEventWriter(Envelope(), ReasoningOutputMode.Omit) { EstimatedPromptTokens = 42 };
        var (events, response) = Run(writer,
            new ChatResponseUpdate { Contents = [new TextReasoningContent("secret thoughts")] },
            new ChatResponseUpdate(ChatRole.Assistant, "42"));

        Assert.DoesNotContain(events, e => e.Event.Contains("reasoning", StringComparison.Ordinal));
        Assert.Equal("message", Assert.Single(response.GetProperty("output").EnumerateArray()).GetProperty("type").GetString());
        Assert.DoesNotContain("secret thoughts", response.GetRawText());
    }

    [Fact]
    public void TheTokenLimitMakesTheResponseIncomplete()
    {
        var writer = new ResponseEventWriter(Envelope(), ReasoningOutputMode.ThinkTags) { EstimatedPromptTokens = 42 };
        var (events, response) = Run(writer, new ChatResponseUpdate(ChatRole.Assistant, "cut") { FinishReason = ChatFinishReason.Length });

        Assert.Equal("response.incomplete", events[^1].Event);
        Assert.Equal("incomplete", response.GetProperty("status").GetString());
        Assert.Equal("max_output_tokens", response.GetProperty("incomplete_details").GetProperty("reason").GetString());
    }

    [Fact]
    public void MissingUpstreamUsageIsEstimated()
    {
        var writer = new ResponseEventWriter(Envelope(), ReasoningOutputMode.ThinkTags) { EstimatedPromptTokens = 42 };
        var (_, response) = Run(writer, new ChatResponseUpdate(ChatRole.Assistant, new string('x', 40)));

        var usage = response.GetProperty("usage");
        Assert.Equal(42, usage.GetProperty("input_tokens").GetInt32());
        Assert.Equal(10, usage.GetProperty("output_tokens").GetInt32());
        Assert.Equal(52, usage.GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public void AFailureAfterTheStartIsAResponseFailedEvent()
    {
        var writer = new ResponseEventWriter(Envelope(), ReasoningOutputMode.ThinkTags) { EstimatedPromptTokens = 42 };
        var output = new ArrayBufferWriter<byte>();
        writer.WriteStart(output);
        writer.WriteUpdate(new ChatResponseUpdate(ChatRole.Assistant, "partial"), output);
        writer.WriteFailed("upstream went away", output);

        var events = ResponseEvents.Parse(Encoding.UTF8.GetString(output.WrittenSpan));
        var failed = events[^1];
        Assert.Equal("response.failed", failed.Event);
        var response = failed.Data.GetProperty("response");
        Assert.Equal("failed", response.GetProperty("status").GetString());
        Assert.Equal("upstream went away", response.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal("server_error", response.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public void TheResponseEchoesTheRequestSettings()
    {
        var envelope = Envelope("""
            {"model":"m","instructions":"Be brief.","previous_response_id":"resp_prev","store":false,"temperature":0.5,
             "max_output_tokens":100,"tool_choice":"required","tools":[{"type":"function","name":"f"}],
             "metadata":{"k":"v"},"user":"u","reasoning":{"effort":"low"}}
            """);
        var writer = new ResponseEventWriter(envelope, ReasoningOutputMode.ThinkTags);
        writer.WriteUpdate(new ChatResponseUpdate(ChatRole.Assistant, "ok"), output: null);
        writer.CloseOutput(output: null);
        var response = JsonDocument.Parse(writer.BuildResponse(1)).RootElement;

        Assert.Equal("Be brief.", response.GetProperty("instructions").GetString());
        Assert.Equal("resp_prev", response.GetProperty("previous_response_id").GetString());
        Assert.False(response.GetProperty("store").GetBoolean());
        Assert.Equal(0.5, response.GetProperty("temperature").GetDouble());
        Assert.Equal(100, response.GetProperty("max_output_tokens").GetInt32());
        Assert.Equal("required", response.GetProperty("tool_choice").GetString());
        Assert.Equal("f", response.GetProperty("tools")[0].GetProperty("name").GetString());
        Assert.Equal("v", response.GetProperty("metadata").GetProperty("k").GetString());
        Assert.Equal("low", response.GetProperty("reasoning").GetProperty("effort").GetString());
        Assert.Equal(1_700_000_000, response.GetProperty("created_at").GetInt64());
    }
}
