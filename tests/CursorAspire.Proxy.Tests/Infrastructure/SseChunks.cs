namespace CursorAspire.Proxy.Tests.Infrastructure;

/// <summary>Splits a Chat Completions SSE body into its events and checks the invariants Cursor relies on.</summary>
public static class SseChunks
{
    /// <summary>The <c>data:</c> payloads, in order, including the final <c>[DONE]</c>.</summary>
    public static List<string> Payloads(string body)
    {
        var payloads = new List<string>();
        foreach (var evt in body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            Assert.StartsWith("data: ", evt);
            payloads.Add(evt["data: ".Length..]);
        }
        return payloads;
    }

    public static List<JsonElement> Chunks(string body) =>
        Payloads(body).Where(p => p != "[DONE]").Select(p => JsonDocument.Parse(p).RootElement).ToList();

    /// <summary>
    /// Asserts the contract of cursor-protocol.md: one id; the model as sent; role on the first delta only; content and
    /// tool_calls never together; tool-call indices 0..n, each opened once with id/type/name/arguments ""; finish_reason
    /// null until one final empty delta; a usage chunk with empty choices; [DONE] last.
    /// </summary>
    public static ChatStreamSummary AssertContract(string body, string expectedModel)
    {
        var payloads = Payloads(body);
        Assert.Equal("[DONE]", payloads[^1]);
        Assert.Equal(1, payloads.Count(p => p == "[DONE]"));
        var chunks = payloads.Take(payloads.Count - 1).Select(p => JsonDocument.Parse(p).RootElement).ToList();
        Assert.NotEmpty(chunks);

        var id = chunks[0].GetProperty("id").GetString();
        var content = new StringBuilder();
        var reasoning = new StringBuilder();
        var calls = new List<(string Id, string Name, StringBuilder Arguments)>();
        string? finishReason = null;
        JsonElement? usage = null;
        var sawRole = false;

        for (var i = 0; i < chunks.Count; i++)
        {
            var chunk = chunks[i];
            Assert.Equal(id, chunk.GetProperty("id").GetString());
            Assert.Equal("chat.completion.chunk", chunk.GetProperty("object").GetString());
            Assert.Equal(expectedModel, chunk.GetProperty("model").GetString());
            var choices = chunk.GetProperty("choices");
            if (choices.GetArrayLength() == 0)
            {
                Assert.Null(usage);
                usage = chunk.GetProperty("usage");
                Assert.Equal(chunks.Count - 1, i); // usage is the last chunk before [DONE]
                continue;
            }
            Assert.Null(finishReason); // nothing after the finish chunk but usage
            var choice = choices[0];
            var delta = choice.GetProperty("delta");
            var finish = choice.GetProperty("finish_reason");
            if (finish.ValueKind != JsonValueKind.Null)
            {
                finishReason = finish.GetString();
                Assert.Empty(delta.EnumerateObject());
                continue;
            }
            var hasRole = delta.TryGetProperty("role", out var role);
            Assert.Equal(!sawRole, hasRole); // role on the first delta, and only there
            if (hasRole)
            {
                Assert.Equal("assistant", role.GetString());
                sawRole = true;
            }
            var hasContent = delta.TryGetProperty("content", out var text);
            var hasCalls = delta.TryGetProperty("tool_calls", out var toolCalls);
            Assert.False(hasContent && hasCalls, "content and tool_calls in one chunk");
            if (hasContent)
            {
                content.Append(text.GetString());
            }
            if (delta.TryGetProperty("reasoning_content", out var r))
            {
                reasoning.Append(r.GetString());
            }
            if (hasCalls)
            {
                Assert.Equal(1, toolCalls.GetArrayLength());
                var call = toolCalls[0];
                var index = call.GetProperty("index").GetInt32();
                var function = call.GetProperty("function");
                if (call.TryGetProperty("id", out var callId))
                {
                    Assert.Equal(calls.Count, index); // indices count 0, 1, 2… in order
                    Assert.Equal("function", call.GetProperty("type").GetString());
                    Assert.Equal(string.Empty, function.GetProperty("arguments").GetString());
                    calls.Add((callId.GetString()!, function.GetProperty("name").GetString()!, new StringBuilder()));
                }
                else
                {
                    Assert.InRange(index, 0, calls.Count - 1);
                    Assert.False(function.TryGetProperty("name", out _));
                    var fragment = function.GetProperty("arguments").GetString();
                    Assert.False(string.IsNullOrEmpty(fragment), "empty tool-call delta");
                    calls[index].Arguments.Append(fragment);
                }
            }
        }
        Assert.True(sawRole);
        Assert.NotNull(finishReason);
        Assert.NotNull(usage);
        var u = usage!.Value;
        Assert.Equal(u.GetProperty("prompt_tokens").GetInt64() + u.GetProperty("completion_tokens").GetInt64(), u.GetProperty("total_tokens").GetInt64());
        return new ChatStreamSummary(id!, content.ToString(), reasoning.ToString(),
            calls.Select(c => (c.Id, c.Name, c.Arguments.ToString())).ToList(), finishReason!, u);
    }
}

public sealed record ChatStreamSummary(
    string Id,
    string Content,
    string Reasoning,
    List<(string Id, string Name, string Arguments)> ToolCalls,
    string FinishReason,
    JsonElement Usage);
