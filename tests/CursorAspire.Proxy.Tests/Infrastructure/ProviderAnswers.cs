namespace CursorAspire.Proxy.Tests.Infrastructure;

/// <summary>What each provider's answer to the same Cursor request must look like, checked the same way for each.</summary>
public static class ProviderAnswers
{
    /// <summary>
    /// A stream of the stand-in's "Sure", ", here", " it is." under Chat Completions' contract: a 200 event stream, the
    /// text joined, finish reason <c>stop</c>, and the usage the upstream reported.
    /// </summary>
    public static ChatStreamSummary AssertStreamedSureHereItIs(HttpResponseMessage response, string body, string model, long promptTokens, long completionTokens)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var summary = SseChunks.AssertContract(body, model);
        Assert.Equal("Sure, here it is.", summary.Content);
        Assert.Equal("stop", summary.FinishReason);
        Assert.Equal(promptTokens, summary.Usage.GetProperty("prompt_tokens").GetInt64());
        Assert.Equal(completionTokens, summary.Usage.GetProperty("completion_tokens").GetInt64());
        return summary;
    }

    /// <summary>
    /// The answer to Cursor's Verify request (not streamed): a 200 <c>chat.completion</c> that echoes the name Cursor sent
    /// (not the upstream's), says "OK" and stops, with <paramref name="totalTokens"/> in its usage.
    /// </summary>
    public static JsonNode AssertVerifyAnswer(HttpResponseMessage response, string body, int totalTokens)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var completion = JsonNode.Parse(body)!;
        Assert.Equal("chat.completion", (string?)completion["object"]);
        Assert.Equal("gpt-4o-mini", (string?)completion["model"]); // echoed as sent, not the upstream's name
        Assert.Equal("OK", (string?)completion["choices"]![0]!["message"]!["content"]);
        Assert.Equal("stop", (string?)completion["choices"]![0]!["finish_reason"]);
        Assert.Equal(totalTokens, (int)completion["usage"]!["total_tokens"]!);
        return completion;
    }
}
