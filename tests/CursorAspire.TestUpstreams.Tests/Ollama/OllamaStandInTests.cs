using Microsoft.Extensions.AI;
using OllamaSharp;
using OllamaSharp.Models;

namespace CursorAspire.TestUpstreams.Tests.Ollama;

/// <summary>The Ollama stand-in driven by the real OllamaSharp client.</summary>
public sealed class OllamaStandInTests
{
    private static CancellationToken Deadline() => new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token;

    [Fact]
    public async Task OllamaSharpStreamsScriptedTextAndUsage()
    {
        await using var ollama = await OllamaStandIn.StartAsync();
        ollama.Enqueue(StandInReply.FromText("Hel", "lo, ", "world") with { Usage = new StandInUsage(42, 7) });
        IChatClient client = new OllamaApiClient(ollama.BaseUri, "llama3.2");

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Say hello")], cancellationToken: Deadline()))
        {
            updates.Add(update);
        }

        var response = updates.ToChatResponse();
        Assert.Equal("Hello, world", response.Text);
        Assert.Equal(42, response.Usage?.InputTokenCount);
        Assert.Equal(7, response.Usage?.OutputTokenCount);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);

        var request = Assert.Single(ollama.ChatRequests);
        Assert.Equal("/api/chat", request.Path);
        Assert.Equal("llama3.2", request.Model);
        Assert.Equal("Say hello", request.LastUserText());
        Assert.Equal(RequestOutcome.Completed, await request.Finished.WaitAsync(Deadline()));
    }

    [Fact]
    public async Task OllamaSharpStreamsThinkingAsReasoning()
    {
        await using var ollama = await OllamaStandIn.StartAsync();
        ollama.Enqueue(new StandInReply { ReasoningChunks = ["Let me ", "think."], TextChunks = ["Done."] });
        IChatClient client = new OllamaApiClient(ollama.BaseUri, "qwen3");

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync("Think", cancellationToken: Deadline()))
        {
            updates.Add(update);
        }

        var reasoning = string.Concat(updates.SelectMany(u => u.Contents).OfType<TextReasoningContent>().Select(r => r.Text));
        Assert.Equal("Let me think.", reasoning);
        Assert.Equal("Done.", updates.ToChatResponse().Text);
    }

    [Fact]
    public async Task OllamaSharpReceivesAllToolCallsInOneUpdateWithStopReason()
    {
        await using var ollama = await OllamaStandIn.StartAsync();
        ollama.Enqueue(StandInReply.FromToolCalls(
            new StandInToolCall("read_file", """{"path":"src/a.cs","lines":[1,2]}"""),
            new StandInToolCall("grep", """{"pattern":"TODO \"x\""}""")));
        IChatClient client = new OllamaApiClient(ollama.BaseUri, "llama3.2");

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync("Read it", cancellationToken: Deadline()))
        {
            updates.Add(update);
        }

        var withCalls = Assert.Single(updates, u => u.Contents.OfType<FunctionCallContent>().Any());
        var calls = withCalls.Contents.OfType<FunctionCallContent>().ToList();
        Assert.Equal(["read_file", "grep"], calls.Select(c => c.Name));
        Assert.Equal("src/a.cs", calls[0].Arguments!["path"]?.ToString());
        Assert.Equal("TODO \"x\"", calls[1].Arguments!["pattern"]?.ToString());
        Assert.Equal(ChatFinishReason.Stop, updates.ToChatResponse().FinishReason);
    }

    [Fact]
    public async Task OllamaSharpGetsNonStreamingReply()
    {
        await using var ollama = await OllamaStandIn.StartAsync();
        ollama.Enqueue(StandInReply.FromText("One ", "piece"));
        IChatClient client = new OllamaApiClient(ollama.BaseUri, "llama3.2");

        var response = await client.GetResponseAsync("Hi", cancellationToken: Deadline());

        Assert.Equal("One piece", response.Text);
        Assert.False(ollama.ChatRequests[0].JsonElement!.Value.GetProperty("stream").GetBoolean());
    }

    [Fact]
    public async Task PullReportsRealProgressThenModelIsListed()
    {
        await using var ollama = await OllamaStandIn.StartAsync(new OllamaStandInOptions { PullStepDelay = TimeSpan.FromMilliseconds(2) });
        var client = new OllamaApiClient(ollama.BaseUri);

        var progress = new List<PullModelResponse>();
        await foreach (var line in client.PullModelAsync(new PullModelRequest { Model = "llama3.2" }, Deadline()))
        {
            progress.Add(line!);
        }

        Assert.Equal("pulling manifest", progress[0].Status);
        var layer = progress.Where(p => p.Total > 1_000_000_000).ToList();
        Assert.True(layer.Count >= 3, $"expected several progress lines for the model layer, got {layer.Count}");
        Assert.All(layer, p => Assert.StartsWith("sha256:", p.Digest));
        Assert.Equal(layer.Select(p => p.Completed).Order(), layer.Select(p => p.Completed));
        Assert.Equal(layer[^1].Total, layer[^1].Completed);
        Assert.Equal(["verifying sha256 digest", "writing manifest", "success"], progress.TakeLast(3).Select(p => p.Status));

        var models = await client.ListLocalModelsAsync(Deadline());
        Assert.Contains(models, m => m.Name == "llama3.2:latest");
        Assert.True(ollama.HasModel("llama3.2"));
    }

    [Fact]
    public async Task PulledModelsOutliveARestartWhenKeptInADirectoryAsOllamaModelsSays()
    {
        var directory = Directory.CreateTempSubdirectory("ollama-models-").FullName;
        try
        {
            await using (var first = await OllamaStandIn.StartAsync(new OllamaStandInOptions { ModelsDirectory = directory, PullStepDelay = TimeSpan.Zero }))
            {
                await foreach (var _ in new OllamaApiClient(first.BaseUri).PullModelAsync(new PullModelRequest { Model = "qwen2.5-coder:7b" }, Deadline()))
                {
                }

                first.AddModel("team/tuned", contextLength: 8192);
                first.AddModel("gone");
                Assert.True(first.RemoveModel("gone"));
            }

            Assert.True(File.Exists(Path.Combine(directory, "manifests", "registry.ollama.ai", "library", "qwen2.5-coder", "7b")));
            await using var second = await OllamaStandIn.StartAsync(new OllamaStandInOptions { ModelsDirectory = directory });
            var listed = await new OllamaApiClient(second.BaseUri).ListLocalModelsAsync(Deadline());

            Assert.Equal(["qwen2.5-coder:7b", "team/tuned:latest"], listed.Select(m => m.Name).Order(StringComparer.Ordinal));
            Assert.Equal(8192, second.Models.Single(m => m.Name == "team/tuned:latest").ContextLength);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task ShowReportsContextLengthAndArchitecture()
    {
        await using var ollama = await OllamaStandIn.StartAsync(new OllamaStandInOptions { Models = ["qwen3:8b"], ContextLength = 40960 });
        ollama.AddModel("big", contextLength: 131072);
        var client = new OllamaApiClient(ollama.BaseUri);

        var shown = await client.ShowModelAsync(new ShowModelRequest { Model = "qwen3:8b" }, Deadline());
        var big = await client.ShowModelAsync(new ShowModelRequest { Model = "big" }, Deadline());

        Assert.Equal("llama", shown.Info.Architecture);
        Assert.Equal(40960, ((JsonElement)shown.Info.ExtraInfo!["llama.context_length"]).GetInt32());
        Assert.Equal(131072, ((JsonElement)big.Info.ExtraInfo!["llama.context_length"]).GetInt32());
    }

    [Fact]
    public async Task ShowOfUnknownModelIs404WithOllamaErrorBody()
    {
        await using var ollama = await OllamaStandIn.StartAsync();
        using var http = new HttpClient { BaseAddress = ollama.BaseUri };

        using var response = await http.PostAsync("api/show", new StringContent("""{"model":"ghost"}"""), Deadline());

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("""{"error":"model 'ghost' not found"}""", await response.Content.ReadAsStringAsync(Deadline()));
    }

    [Fact]
    public async Task StreamedToolCallsOnTheWireHaveNoIdsAndObjectArguments()
    {
        await using var ollama = await OllamaStandIn.StartAsync();
        ollama.Enqueue(StandInReply.FromToolCalls(new StandInToolCall("a", """{"x":1}"""), new StandInToolCall("b", "{}")));
        using var http = new HttpClient { BaseAddress = ollama.BaseUri };

        using var response = await http.PostAsync("api/chat", new StringContent("""{"model":"m","messages":[]}"""), Deadline());
        var lines = (await response.Content.ReadAsStringAsync(Deadline()))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();

        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        var callLine = Assert.Single(lines, l => l.GetProperty("message").TryGetProperty("tool_calls", out _));
        var calls = callLine.GetProperty("message").GetProperty("tool_calls").EnumerateArray().ToList();
        Assert.Equal(2, calls.Count);
        Assert.All(calls, c => Assert.False(c.TryGetProperty("id", out _)));
        Assert.Equal(JsonValueKind.Object, calls[0].GetProperty("function").GetProperty("arguments").ValueKind);
        Assert.Equal(1, calls[0].GetProperty("function").GetProperty("arguments").GetProperty("x").GetInt32());
        Assert.True(lines[^1].GetProperty("done").GetBoolean());
        Assert.Equal("stop", lines[^1].GetProperty("done_reason").GetString());
    }
    [Fact]
    public async Task PullOfUnknownModelFailsInsideTheStreamLikeOllama()
    {
        await using var ollama = await OllamaStandIn.StartAsync(new OllamaStandInOptions { PullableModels = ["llama3.2"], PullStepDelay = TimeSpan.Zero });
        var client = new OllamaApiClient(ollama.BaseUri);

        var ex = await Assert.ThrowsAnyAsync<OllamaSharp.Models.Exceptions.OllamaException>(async () =>
        {
            await foreach (var _ in client.PullModelAsync(new PullModelRequest { Model = "no-such-model" }, Deadline()))
            {
            }
        });

        Assert.Contains("file does not exist", ex.Message);
        Assert.False(ollama.HasModel("no-such-model"));
    }

    [Fact]
    public async Task ChatWithAbsentModelIs404WhenModelsAreRequired()
    {
        await using var ollama = await OllamaStandIn.StartAsync(new OllamaStandInOptions { RequireModelForChat = true, Models = ["here"] });
        using var http = new HttpClient { BaseAddress = ollama.BaseUri };

        using var missing = await http.PostAsync("api/chat", new StringContent("""{"model":"gone","messages":[]}"""), Deadline());
        using var present = await http.PostAsync("api/chat", new StringContent("""{"model":"here:latest","stream":false,"messages":[]}"""), Deadline());

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("""{"error":"model \"gone\" not found, try pulling it first"}""", await missing.Content.ReadAsStringAsync(Deadline()));
        Assert.Equal(HttpStatusCode.OK, present.StatusCode);
    }

    [Fact]
    public async Task DeleteRemovesModelFromTags()
    {
        await using var ollama = await OllamaStandIn.StartAsync(new OllamaStandInOptions { Models = ["a", "b"] });
        var client = new OllamaApiClient(ollama.BaseUri);

        await client.DeleteModelAsync(new DeleteModelRequest { Model = "a" }, Deadline());

        Assert.Equal(["b:latest"], (await client.ListLocalModelsAsync(Deadline())).Select(m => m.Name));
    }

    [Fact]
    public async Task RootAndVersionAnswerLikeOllama()
    {
        await using var ollama = await OllamaStandIn.StartAsync(new OllamaStandInOptions { Version = "0.9.9" });
        var client = new OllamaApiClient(ollama.BaseUri);
        using var http = new HttpClient { BaseAddress = ollama.BaseUri };

        Assert.Equal("Ollama is running", await http.GetStringAsync("", Deadline()));
        Assert.True(await client.IsRunningAsync(Deadline()));
        Assert.Equal("0.9.9", await client.GetVersionAsync(Deadline()));
    }

    [Fact]
    public async Task ScriptedErrorLineEndsTheStreamAsOllamaDoes()
    {
        await using var ollama = await OllamaStandIn.StartAsync();
        ollama.Enqueue(StandInReply.FromText("Hel", "lo") with { ErrorLineAfterChunks = 1, ErrorLineMessage = "model runner has unexpectedly stopped" });
        ollama.Enqueue(StandInReply.FromText("Hel", "lo") with { ErrorLineAfterChunks = 1 });
        using var http = new HttpClient { BaseAddress = ollama.BaseUri };

        using var streamed = await http.PostAsync("api/chat", new StringContent("""{"model":"m","messages":[]}"""), Deadline());
        using var whole = await http.PostAsync("api/chat", new StringContent("""{"model":"m","stream":false,"messages":[]}"""), Deadline());

        Assert.Equal(HttpStatusCode.OK, streamed.StatusCode); // the status went out with the first line
        var lines = (await streamed.Content.ReadAsStringAsync(Deadline())).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal("Hel", (string?)JsonNode.Parse(lines[0])!["message"]!["content"]);
        Assert.Equal("""{"error":"model runner has unexpectedly stopped"}""", lines[1]);
        Assert.Equal(HttpStatusCode.InternalServerError, whole.StatusCode);
        Assert.Equal("""{"error":"an error was encountered while running the model: unexpected EOF"}""", await whole.Content.ReadAsStringAsync(Deadline()));
    }
}
