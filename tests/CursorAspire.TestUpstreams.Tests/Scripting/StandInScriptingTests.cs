using Microsoft.Extensions.AI;
using OllamaSharp;

namespace CursorAspire.TestUpstreams.Tests.Scripting;

/// <summary>Scripting, recording, failure injection and disconnect observation, shared by both stand-ins.</summary>
public sealed class StandInScriptingTests
{
    private static CancellationToken Deadline() => new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token;

    // No draining on dispose: the stand-in must see the disconnect at once.
    private static HttpClient Http(StandInServer server) =>
        new(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = server.BaseUri };

    private static StringContent Chat(string model, string user, bool stream = true) =>
        new(JsonSerializer.Serialize(new { model, stream, messages = new[] { new { role = "user", content = user } } }), Encoding.UTF8, "application/json");

    [Fact]
    public async Task DefaultReplyEchoesLastUserMessageInThreeChunks()
    {
        await using var ollama = await OllamaStandIn.StartAsync();
        IChatClient client = new OllamaApiClient(ollama.BaseUri, "m");

        var chunks = new List<string>();
        await foreach (var update in client.GetStreamingResponseAsync("ping pong", cancellationToken: Deadline()))
        {
            if (update.Text.Length > 0) { chunks.Add(update.Text); }
        }

        Assert.Equal("Echo: ping pong", string.Concat(chunks));
        Assert.Equal(3, chunks.Count);
        Assert.Equal("Echo: ping pong", ollama.ChatRequests[0].Reply!.Text);
        Assert.NotNull(ollama.ChatRequests[0].Reply!.Usage);
    }

    [Fact]
    public async Task QueuedRepliesAreUsedOnceEachUnderConcurrency()
    {
        await using var openai = await OpenAIStandIn.StartAsync();
        const int calls = 16;
        for (var i = 0; i < calls; i++)
        {
            openai.Enqueue(StandInReply.FromText($"reply-{i}"));
        }

        using var http = Http(openai);
        var bodies = await Task.WhenAll(Enumerable.Range(0, calls).Select(async _ =>
        {
            using var response = await http.PostAsync("v1/chat/completions", Chat("m", "hi", stream: false), Deadline());
            var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Deadline())).RootElement;
            return json.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString();
        }));

        Assert.Equal(Enumerable.Range(0, calls).Select(i => $"reply-{i}").Order(), bodies.Order());
        Assert.Equal(calls, openai.CallCount);
        Assert.Equal(0, openai.PendingReplies);
        Assert.Equal(Enumerable.Range(0, calls), openai.Requests.Select(r => r.Sequence));
    }

    [Fact]
    public async Task CallCountCountsOnlyChatCalls()
    {
        await using var ollama = await OllamaStandIn.StartAsync(new OllamaStandInOptions { Models = ["m"] });
        using var http = Http(ollama);

        await http.GetStringAsync("api/tags", Deadline());
        await http.PostAsync("api/show", new StringContent("""{"model":"m"}"""), Deadline());
        (await http.PostAsync("api/chat", Chat("m", "a", stream: false), Deadline())).Dispose();
        (await http.PostAsync("v1/chat/completions", Chat("m", "b", stream: false), Deadline())).Dispose();

        Assert.Equal(2, ollama.CallCount);
        Assert.Equal(4, ollama.Requests.Count);
        Assert.Equal(["/api/tags", "/api/show", "/api/chat", "/v1/chat/completions"], ollama.Requests.Select(r => r.Path));
    }

    [Fact]
    public async Task RequestIsRecordedWithHeadersRawBodyAndJson()
    {
        await using var openai = await OpenAIStandIn.StartAsync();
        using var http = Http(openai);
        using var message = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = new StringContent("""{"model":"gpt-x","messages":[{"role":"user","content":"héllo \"q\""}]}""", Encoding.UTF8, "application/json") };
        message.Headers.Add("X-Trace", "abc");

        (await http.SendAsync(message, Deadline())).Dispose();
        var request = await openai.NextRequestAsync(cancellationToken: Deadline());

        Assert.Equal("POST", request.Method);
        Assert.Equal("abc", request.Headers["x-trace"]);
        Assert.Contains("héllo", request.Body);
        Assert.Equal("gpt-x", request.Json!["model"]!.GetValue<string>());
        Assert.Equal("héllo \"q\"", request.LastUserText());
        Assert.Equal(RequestOutcome.Completed, await request.Finished.WaitAsync(Deadline()));
        Assert.False(request.WasAborted);
    }

    [Fact]
    public async Task NextRequestTimesOutWithClearMessage()
    {
        await using var openai = await OpenAIStandIn.StartAsync();

        var ex = await Assert.ThrowsAsync<TimeoutException>(() => openai.NextChatRequestAsync(TimeSpan.FromMilliseconds(100)));

        Assert.Contains("No chat request arrived", ex.Message);
    }

    [Fact]
    public async Task FailAfterChunksAbortsMidStreamForOllamaSharp()
    {
        await using var ollama = await OllamaStandIn.StartAsync();
        ollama.Enqueue(StandInReply.FromText("first", "second", "third") with { FailAfterChunks = 1 });
        IChatClient client = new OllamaApiClient(ollama.BaseUri, "m");

        var received = new StringBuilder();
        await Assert.ThrowsAnyAsync<IOException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("go", cancellationToken: Deadline()))
            {
                received.Append(update.Text);
            }
        });

        Assert.Equal("first", received.ToString());
        var request = ollama.ChatRequests[0];
        Assert.Equal(RequestOutcome.ServerAborted, await request.Finished.WaitAsync(Deadline()));
        Assert.False(request.WasAborted);
    }

    [Fact]
    public async Task ClientDisconnectDuringHangCompletesAborted()
    {
        await using var openai = await OpenAIStandIn.StartAsync();
        openai.Enqueue(StandInReply.FromText("a", "b") with { HangAfterChunks = 1 });
        using var http = Http(openai);

        using (var response = await http.SendAsync(
            new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = Chat("m", "hi") },
            HttpCompletionOption.ResponseHeadersRead, Deadline()))
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Deadline()));
            Assert.Contains("\"role\":\"assistant\"", await reader.ReadLineAsync(Deadline()));
            Assert.Equal(string.Empty, await reader.ReadLineAsync(Deadline()));
            Assert.Contains("\"content\":\"a\"", await reader.ReadLineAsync(Deadline()));
        }

        var request = await openai.NextChatRequestAsync(cancellationToken: Deadline());
        await request.Aborted.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(request.WasAborted);
        Assert.NotNull(request.AbortedAt);
        Assert.Equal(RequestOutcome.ClientAborted, request.Outcome);
    }

    [Fact]
    public async Task CancelledOllamaSharpStreamIsSeenAsAbort()
    {
        await using var ollama = await OllamaStandIn.StartAsync();
        ollama.Enqueue(StandInReply.FromText("a", "b", "c") with { ChunkDelay = TimeSpan.FromSeconds(30) });
        using var http = Http(ollama);
        IChatClient client = new OllamaApiClient(http, "m");

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Deadline());
        var chunks = 0;
        try
        {
            await foreach (var update in client.GetStreamingResponseAsync("go", cancellationToken: cancel.Token))
            {
                chunks++;
                cancel.Cancel(); // give up after the first chunk, as a caller whose user pressed stop
            }
        }
        catch (OperationCanceledException)
        {
            // OllamaSharp may end the stream quietly or throw; either way the connection must close.
        }

        Assert.Equal(1, chunks);

        var request = await ollama.NextChatRequestAsync(cancellationToken: Deadline());
        await request.Aborted.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(RequestOutcome.ClientAborted, request.Outcome);
    }

    [Fact]
    public async Task ErrorBeforeFirstByteUsesOllamaShapeAndRetryAfter()
    {
        await using var ollama = await OllamaStandIn.StartAsync();
        ollama.Enqueue(StandInReply.FromError(503, "server busy", TimeSpan.FromSeconds(1.2)));
        using var http = Http(ollama);

        using var response = await http.PostAsync("api/chat", Chat("m", "hi"), Deadline());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("2", response.Headers.GetValues("Retry-After").Single());
        Assert.Equal("""{"error":"server busy"}""", await response.Content.ReadAsStringAsync(Deadline()));
    }

    [Fact]
    public async Task DisposingTheServerEndsAHangingReply()
    {
        var openai = await OpenAIStandIn.StartAsync();
        openai.Enqueue(StandInReply.FromText("a") with { HangAfterChunks = 0 });
        using var http = Http(openai);
        var call = http.PostAsync("v1/chat/completions", Chat("m", "hi", stream: false), Deadline());
        var request = await openai.NextChatRequestAsync(cancellationToken: Deadline());

        var started = System.Diagnostics.Stopwatch.StartNew();
        await openai.DisposeAsync();

        Assert.True(started.Elapsed < TimeSpan.FromSeconds(2), $"dispose took {started.Elapsed}");
        Assert.Equal(RequestOutcome.ServerAborted, await request.Finished.WaitAsync(Deadline()));
        await Assert.ThrowsAsync<HttpRequestException>(() => call); // a broken connection, never a complete-looking reply
    }
    [Fact]
    public async Task AWarmStartTakesWellUnderASecond()
    {
        await (await OllamaStandIn.StartAsync()).DisposeAsync(); // first start pays for JIT

        var watch = System.Diagnostics.Stopwatch.StartNew();
        await using var ollama = await OllamaStandIn.StartAsync();
        await using var openai = await OpenAIStandIn.StartAsync();
        watch.Stop();

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"two starts took {watch.Elapsed}");
        Assert.NotEqual(ollama.BaseUri.Port, openai.BaseUri.Port);
    }
}
