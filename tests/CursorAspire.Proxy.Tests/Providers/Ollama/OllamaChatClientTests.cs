using Microsoft.Extensions.AI;
using CursorAspire.Proxy.Providers;
using CursorAspire.Proxy.Providers.Ollama;
using OllamaSharp;
using OllamaSharp.Models.Exceptions;

namespace CursorAspire.Proxy.Tests.Providers.Ollama;

/// <summary>
/// The proxy's own Ollama chat client (<see cref="OllamaChatClient"/>) against the Ollama stand-in: for the same scripted
/// answer it gives the updates and responses OllamaSharp's <see cref="IChatClient"/> gave (text, thinking, tool calls,
/// finish reason, usage, durations, model, ids), streamed and not, and Ollama's errors reach <see cref="UpstreamErrors"/>
/// as OllamaSharp's exceptions.
/// </summary>
public sealed class OllamaChatClientTests
{
    private const string Model = "qwen2.5-coder:7b";

    private static readonly ChatMessage[] Question = [new(ChatRole.User, "look")];

    public static TheoryData<string> Replies => ["text", "thinking", "tools", "length", "no-usage"];

    private static StandInReply Reply(string name) => name switch
    {
        "text" => StandInReply.FromText("Sure", ", here", " it is.") with { Usage = new StandInUsage(42, 7) },
        "thinking" => new StandInReply { ReasoningChunks = ["Let me ", "think."], TextChunks = ["Answer."] },
        "tools" => StandInReply.FromToolCalls(
            new StandInToolCall("read_file", """{"target_file":"/src/cart.py","lines":[1,20],"deep":{"a":null,"b":"\"q\" ü"}}"""),
            new StandInToolCall("grep", """{"pattern":"def add"}""")),
        "length" => StandInReply.FromText("cut") with { FinishReason = "length" },
        "no-usage" => StandInReply.FromText("quiet") with { Usage = null },
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    /// <summary>
    /// The same scripted answer asked for through OllamaSharp's client, then through ours, over one stand-in whose clock
    /// is fixed (OllamaSharp's whole-response id is the answer's <c>created_at</c>); the stand-in is the caller's to dispose.
    /// </summary>
    private static async Task<(OllamaStandIn Upstream, T Expected, T Actual)> BothAsync<T>(string reply, Func<IChatClient, Task<T>> ask)
    {
        var upstream = await OllamaStandIn.StartAsync(new OllamaStandInOptions { TimeProvider = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-07T05:00:00.1234567Z", CultureInfo.InvariantCulture)) });
        try
        {
            using var http = new HttpClient { BaseAddress = upstream.BaseUri };
            using var library = new OllamaApiClient(http, Model);
            using var ours = new OllamaChatClient(http, Model);
            upstream.Enqueue(Reply(reply));
            var expected = await ask(library);
            upstream.Enqueue(Reply(reply));
            var actual = await ask(ours);
            return (upstream, expected, actual);
        }
        catch
        {
            await upstream.DisposeAsync();
            throw;
        }
    }

    [Theory]
    [MemberData(nameof(Replies))]
    public async Task StreamedUpdatesAreTheOnesOllamaSharpGave(string reply)
    {
        var (upstream, expected, actual) = await BothAsync(reply, client => client.GetStreamingResponseAsync(Question).ToListAsync().AsTask());
        await using var _ = upstream;

        Assert.Equal(expected.Select(Describe), actual.Select(Describe));
        Assert.Equal(upstream.ChatRequests[0].Body, upstream.ChatRequests[1].Body);
        var id = actual[0].ResponseId;
        Assert.Equal(32, id?.Length);
        Assert.All(actual, u => Assert.True(u.ResponseId == id && u.MessageId == id));
        Assert.All(actual.SelectMany(u => u.Contents).OfType<FunctionCallContent>(), c => Assert.Equal(8, c.CallId.Length));
    }

    [Theory]
    [MemberData(nameof(Replies))]
    public async Task WholeResponseIsTheOneOllamaSharpGave(string reply)
    {
        var (upstream, expected, actual) = await BothAsync(reply, client => client.GetResponseAsync(Question));
        await using var _ = upstream;

        Assert.Equal(Describe(expected), Describe(actual));
        Assert.Equal(upstream.ChatRequests[0].Body, upstream.ChatRequests[1].Body);
        Assert.Equal("2026-12-07T05:00:00.1234567Z", actual.ResponseId); // OllamaSharp's id: the answer's created_at
        Assert.Equal(actual.ResponseId, actual.Messages.Single().MessageId);
    }

    [Fact]
    public async Task ErrorLineMidStreamRaisesOllamasMessage()
    {
        await using var upstream = await OllamaStandIn.StartAsync();
        using var http = new HttpClient { BaseAddress = upstream.BaseUri };
        using var ours = new OllamaChatClient(http, Model);
        upstream.Enqueue(StandInReply.FromText("Hel", "lo") with { ErrorLineAfterChunks = 1, ErrorLineMessage = "model runner has unexpectedly stopped" });

        var updates = new List<ChatResponseUpdate>();
        var error = await Assert.ThrowsAsync<ResponseError>(async () =>
        {
            await foreach (var update in ours.GetStreamingResponseAsync(Question))
            {
                updates.Add(update);
            }
        });

        Assert.Equal("Hel", Assert.Single(updates).Text);
        Assert.Equal("model runner has unexpectedly stopped", error.Message);
        var mapped = UpstreamErrors.Map(error, "ollama", Model);
        Assert.Equal(502, mapped.StatusCode);
        Assert.Equal("Ollama ('ollama') failed: model runner has unexpectedly stopped", mapped.Message);
    }

    [Fact]
    public async Task ErrorLineThroughTheProxyEndsTheStreamWithOllamasWords()
    {
        await using var ollama = await OllamaStandIn.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(ProxyHost.OllamaConfig(ollama.BaseUri));
        ollama.Enqueue(StandInReply.FromText("Partial ", "answer") with { ErrorLineAfterChunks = 1, ErrorLineMessage = "model runner has unexpectedly stopped" });

        var (response, body) = await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Simple());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var summary = SseChunks.AssertContract(body, "local");
        Assert.StartsWith("Partial ", summary.Content);
        Assert.Contains("The model stopped with an error: Ollama ('ollama') failed: model runner has unexpectedly stopped", summary.Content);
    }

    [Fact]
    public async Task BadRequestRaisesOllamaSharpsExceptionWithOllamasMessage()
    {
        await using var upstream = await OllamaStandIn.StartAsync();
        using var http = new HttpClient { BaseAddress = upstream.BaseUri };
        using var ours = new OllamaChatClient(http, Model);
        upstream.Enqueue(StandInReply.FromError(400, "registry.ollama.ai/library/gemma:2b does not support tools"));
        upstream.Enqueue(StandInReply.FromError(400, "invalid options: num_ctx"));
        upstream.Enqueue(StandInReply.FromError(503, "busy"));

        await Assert.ThrowsAsync<ModelDoesNotSupportToolsException>(() => ours.GetResponseAsync(Question));
        var invalid = await Assert.ThrowsAsync<OllamaException>(async () => await ours.GetStreamingResponseAsync(Question).ToListAsync());
        Assert.Equal("invalid options: num_ctx", invalid.Message);
        var busy = await Assert.ThrowsAsync<HttpRequestException>(() => ours.GetResponseAsync(Question));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, busy.StatusCode);
    }

    [Fact]
    public async Task WholeAnswerCutMidBodyFailsAsTheBufferedReadDid()
    {
        // Ollama's headers and half of its one JSON answer, then the connection closes: real HTTP on loopback.
        const string Answer = """{"model":"qwen2.5-coder:7b","created_at":"2026-12-07T05:00:00Z","message":{"role":"assistant","content":"Hello there"},"done":true}""";
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/") };
        using var ours = new OllamaChatClient(http, Model);

        // What HttpClient's buffered read (HttpCompletionOption.ResponseContentRead, as OllamaSharp read it) throws …
        var server = CutAnswerAsync(listener, Answer);
        var buffered = await Assert.ThrowsAsync<HttpRequestException>(() => http.PostAsync("api/chat", new StringContent("{}")));
        await server;
        // … is what the proxy's own read from the connection throws.
        server = CutAnswerAsync(listener, Answer);
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => ours.GetResponseAsync(Question));
        await server;

        Assert.Equal(buffered.Message, error.Message);
        Assert.Equal(buffered.HttpRequestError, error.HttpRequestError);
        Assert.Null(error.StatusCode);
        Assert.Equal(buffered.InnerException?.GetType(), error.InnerException?.GetType());
        // (The inner message may say more: "… ended prematurely, with at least N additional bytes expected.")
        var mapped = UpstreamErrors.Map(error, "ollama", Model);
        var mappedBuffered = UpstreamErrors.Map(buffered, "ollama", Model);
        Assert.Equal((502, "upstream_unreachable"), (mapped.StatusCode, mapped.Code));
        Assert.Equal(mappedBuffered.Message, mapped.Message);
    }

    private static async Task CutAnswerAsync(System.Net.Sockets.TcpListener listener, string answer)
    {
        using var client = await listener.AcceptTcpClientAsync();
        var stream = client.GetStream();
        var received = new List<byte>();
        var buffer = new byte[64 * 1024];
        // The request: headers, then as many body bytes as they announce.
        while (true)
        {
            var read = await stream.ReadAsync(buffer);
            Assert.NotEqual(0, read);
            received.AddRange(buffer.AsSpan(0, read).ToArray());
            var text = Encoding.ASCII.GetString([.. received]);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end < 0)
            {
                continue;
            }
            var length = int.Parse(text[..end].Split("\r\n").Single(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))["Content-Length:".Length..].Trim(), CultureInfo.InvariantCulture);
            if (received.Count >= end + 4 + length)
            {
                break;
            }
        }
        var half = Encoding.UTF8.GetBytes(answer)[..(answer.Length / 2)];
        var head = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {answer.Length}\r\n\r\n");
        await stream.WriteAsync(head);
        await stream.WriteAsync(half);
        await stream.FlushAsync();
        client.Client.Shutdown(System.Net.Sockets.SocketShutdown.Both);
    }

    [Fact]
    public async Task OllamaSharpStaysTheClientForEverythingElse()
    {
        await using var upstream = await OllamaStandIn.StartAsync(new OllamaStandInOptions { Models = [Model] });
        using var http = new HttpClient { BaseAddress = upstream.BaseUri };
        using IChatClient ours = new OllamaChatClient(http, Model);

        var ollama = ours.GetService<IOllamaApiClient>();
        Assert.NotNull(ollama);
        Assert.Contains(await ollama.ListLocalModelsAsync(), m => m.Name == Model);
        var metadata = ours.GetService<ChatClientMetadata>();
        Assert.Equal("ollama", metadata?.ProviderName);
        Assert.Equal(Model, metadata?.DefaultModelId);
    }

    /// <summary>Everything an update carries that OllamaSharp set, but its random ids.</summary>
    private static string Describe(ChatResponseUpdate update) =>
        $"{update.Role}|{update.FinishReason}|{update.ModelId}|{update.CreatedAt:o}|{Properties(update.AdditionalProperties)}|{Contents(update.Contents)}";

    private static string Describe(ChatResponse response)
    {
        var message = response.Messages.Single();
        return $"{message.Role}|{message.CreatedAt:o}|{Contents(message.Contents)}|{response.FinishReason}|{response.ModelId}|{response.CreatedAt:o}|"
            + $"{Properties(response.AdditionalProperties)}|{response.Usage?.InputTokenCount}/{response.Usage?.OutputTokenCount}/{response.Usage?.TotalTokenCount}";
    }

    private static string Properties(AdditionalPropertiesDictionary? properties) =>
        properties is null ? "-" : string.Join(",", properties.Select(p => $"{p.Key}={p.Value}"));

    private static string Contents(IEnumerable<AIContent> contents) => string.Join(";", contents.Select(c => c switch
    {
        TextContent text => $"text:{text.Text}",
        TextReasoningContent reasoning => $"reasoning:{reasoning.Text}",
        FunctionCallContent call => $"call:{call.Name}:{JsonSerializer.Serialize(call.Arguments)}:{call.CallId.Length}",
        UsageContent usage => $"usage:{usage.Details.InputTokenCount}/{usage.Details.OutputTokenCount}/{usage.Details.TotalTokenCount}",
        _ => c.GetType().Name,
    }));
}
