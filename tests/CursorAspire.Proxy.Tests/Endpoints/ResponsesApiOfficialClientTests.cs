// The OpenAI .NET client's Responses API is experimental (OPENAI001); these tests use it on purpose as a strict consumer.
#pragma warning disable OPENAI001

using System.ClientModel;
using System.ClientModel.Primitives;
using OpenAI.Responses;
using StackExchange.Redis;

namespace CursorAspire.Proxy.Tests.Endpoints;

// Over 300 lines because the official client is tested as one consumer of the Responses API: answers, items, stored
// chains and errors share its client setup.

/// <summary>
/// <c>POST /v1/responses</c> over real HTTP, consumed by the official OpenAI .NET client (stream and non-stream, function
/// and custom tool calls) with an OpenAI stand-in upstream, and <c>previous_response_id</c> chains stored in a real
/// Redis-protocol server (embedded Garnet).
/// </summary>
public sealed class ResponsesApiOfficialClientTests(GarnetServerFixture garnet) : IClassFixture<GarnetServerFixture>
{
    /// <summary>The alias <see cref="ProxyHost.OpenAIConfig"/> routes to the stand-in.</summary>
    private const string Alias = "remote";

    private static CancellationToken Deadline() => new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token;

    private static ResponsesClient Client(ProxyHost proxy, string apiKey = ProxyHost.ApiKey) =>
        new(new ApiKeyCredential(apiKey), new ResponsesClientOptions
        {
            Endpoint = proxy.ApiBaseUri,
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        });

    private static CreateResponseOptions Ask(string text, string? previousResponseId = null) =>
        new(Alias, [ResponseItem.CreateUserMessageItem(text)]) { PreviousResponseId = previousResponseId };

    private static CreateResponseOptions Streamed(CreateResponseOptions options)
    {
        options.StreamingEnabled = true;
        return options;
    }

    private static readonly BinaryData ReadFileParameters = BinaryData.FromString(
        """{"type":"object","properties":{"path":{"type":"string"}},"required":["path"]}""");

    [Fact]
    public async Task ANonStreamedResponseCarriesTextStatusModelAndUsage()
    {
        await using var proxy = await ProxyHost.StartWithStandInAsync();
        proxy.Upstream.Enqueue(StandInReply.FromText("Hello", " world") with { Usage = new StandInUsage(12, 3) });

        ResponseResult response = await Client(proxy).CreateResponseAsync(
            new CreateResponseOptions(Alias, [ResponseItem.CreateUserMessageItem("Hi")]) { Instructions = "Be kind." }, Deadline());

        Assert.StartsWith("resp_", response.Id);
        Assert.Equal(ResponseStatus.Completed, response.Status);
        Assert.Equal(Alias, response.Model);
        Assert.Equal("Hello world", response.GetOutputText());
        var message = Assert.IsAssignableFrom<MessageResponseItem>(Assert.Single(response.OutputItems));
        Assert.Equal(MessageRole.Assistant, message.Role);
        Assert.Equal(12, response.Usage.InputTokenCount);
        Assert.Equal(3, response.Usage.OutputTokenCount);
        Assert.Equal(15, response.Usage.TotalTokenCount);

        var upstream = (await proxy.Upstream.NextChatRequestAsync(cancellationToken: Deadline())).JsonElement!.Value;
        var messages = upstream.GetProperty("messages");
        Assert.Equal("system", messages[0].GetProperty("role").GetString());
        Assert.Equal("Be kind.", messages[0].GetProperty("content").ToString());
        Assert.Equal("Hi", messages[1].GetProperty("content").ToString());
        Assert.Equal("gpt-4o-mini", upstream.GetProperty("model").GetString());
    }

    [Fact]
    public async Task AStreamedResponseArrivesAsOrderedNamedEvents()
    {
        await using var proxy = await ProxyHost.StartWithStandInAsync();
        proxy.Upstream.Enqueue(StandInReply.FromText("One, ", "two, ", "three.") with { Usage = new StandInUsage(20, 4) });

        var updates = new List<StreamingResponseUpdate>();
        await foreach (var update in await Client(proxy).CreateResponseStreamingAsync(Streamed(Ask("Count")), Deadline()))
        {
            updates.Add(update);
        }

        Assert.IsType<StreamingResponseCreatedUpdate>(updates[0]);
        Assert.IsType<StreamingResponseInProgressUpdate>(updates[1]);
        Assert.IsType<StreamingResponseOutputItemAddedUpdate>(updates[2]);
        Assert.IsType<StreamingResponseContentPartAddedUpdate>(updates[3]);
        Assert.Equal(3, updates.OfType<StreamingResponseOutputTextDeltaUpdate>().Count());
        Assert.Equal(
            [typeof(StreamingResponseOutputTextDoneUpdate), typeof(StreamingResponseContentPartDoneUpdate), typeof(StreamingResponseOutputItemDoneUpdate), typeof(StreamingResponseCompletedUpdate)],
            updates.TakeLast(4).Select(u => u.GetType()));
        Assert.Equal(Enumerable.Range(0, updates.Count), updates.Select(u => u.SequenceNumber));
        Assert.Equal("One, two, three.", string.Concat(updates.OfType<StreamingResponseOutputTextDeltaUpdate>().Select(d => d.Delta)));
        Assert.Equal("One, two, three.", updates.OfType<StreamingResponseOutputTextDoneUpdate>().Single().Text);
        var completed = updates.OfType<StreamingResponseCompletedUpdate>().Single().Response;
        Assert.Equal(ResponseStatus.Completed, completed.Status);
        Assert.Equal("One, two, three.", completed.GetOutputText());
        Assert.Equal(24, completed.Usage.TotalTokenCount);
        Assert.Equal(((StreamingResponseCreatedUpdate)updates[0]).Response.Id, completed.Id);
    }

    [Fact]
    public async Task FunctionCallsComeBackAsFunctionCallItemsStreamedAndNot()
    {
        await using var proxy = await ProxyHost.StartWithStandInAsync();
        var readFile = ResponseTool.CreateFunctionTool("read_file", ReadFileParameters, false, "Read a file.");
        proxy.Upstream.Enqueue(
            StandInReply.FromToolCalls(new StandInToolCall("read_file", """{"path":"src/a.cs"}""", Id: "call_nonstream_1")),
            StandInReply.FromToolCalls(
                new StandInToolCall("read_file", """{"path":"src/b.cs"}""", Id: "call_stream_1"),
                new StandInToolCall("read_file", """{"path":"src/c.cs"}""", Id: "call_stream_2")));

        var options = Ask("Read a.cs");
        options.Tools.Add(readFile);
        ResponseResult response = await Client(proxy).CreateResponseAsync(options, Deadline());

        var call = Assert.IsType<FunctionCallResponseItem>(Assert.Single(response.OutputItems));
        Assert.Equal("call_nonstream_1", call.CallId);
        Assert.Equal("read_file", call.FunctionName);
        Assert.Equal("src/a.cs", JsonDocument.Parse(call.FunctionArguments).RootElement.GetProperty("path").GetString());
        Assert.Equal(FunctionCallStatus.Completed, call.Status);
        var upstreamTools = (await proxy.Upstream.NextChatRequestAsync(cancellationToken: Deadline())).JsonElement!.Value.GetProperty("tools");
        Assert.Equal("read_file", upstreamTools[0].GetProperty("function").GetProperty("name").GetString());

        var streamed = Ask("Read b.cs and c.cs");
        streamed.Tools.Add(readFile);
        var updates = new List<StreamingResponseUpdate>();
        await foreach (var update in await Client(proxy).CreateResponseStreamingAsync(Streamed(streamed), Deadline()))
        {
            updates.Add(update);
        }
        var done = updates.OfType<StreamingResponseFunctionCallArgumentsDoneUpdate>().ToList();
        Assert.Equal(2, done.Count);
        Assert.Equal("src/c.cs", JsonDocument.Parse(done[1].FunctionArguments).RootElement.GetProperty("path").GetString());
        var calls = updates.OfType<StreamingResponseCompletedUpdate>().Single().Response.OutputItems.Cast<FunctionCallResponseItem>().ToList();
        Assert.Equal(["call_stream_1", "call_stream_2"], calls.Select(c => c.CallId));
        Assert.Equal([0, 1], updates.OfType<StreamingResponseOutputItemAddedUpdate>().Select(u => u.OutputIndex));
    }

    [Fact]
    public async Task ACustomToolCallComesBackAsACustomToolCallItemWithTheRawInput()
    {
        const string patch = "*** Begin Patch\n*** Add File: hello.py\n+print(\"hi\")\n*** End Patch";
        await using var proxy = await ProxyHost.StartWithStandInAsync();
        proxy.Upstream.Enqueue(StandInReply.FromToolCalls(new StandInToolCall("ApplyPatch", JsonSerializer.Serialize(new { input = patch }), Id: "call_patch")));

        var options = Ask("Add hello.py");
        options.Tools.Add(ResponseTool.CreateCustomTool("ApplyPatch"));
        ResponseResult response = await Client(proxy).CreateResponseAsync(options, Deadline());

        var call = Assert.IsType<CustomToolCallItem>(Assert.Single(response.OutputItems));
        Assert.Equal("call_patch", call.CallId);
        Assert.Equal("ApplyPatch", call.ToolName);
        Assert.Equal(patch, call.Input);
    }

    [Fact]
    public async Task PreviousResponseIdChainsAConversationStoredInRedis()
    {
        await using var proxy = await ProxyHost.StartWithStandInAsync(redis: garnet.ConnectionString);
        var readFile = ResponseTool.CreateFunctionTool("read_file", ReadFileParameters, false, "Read a file.");
        proxy.Upstream.Enqueue(
            StandInReply.FromText("Nice to meet you, Ada."),
            StandInReply.FromToolCalls(new StandInToolCall("read_file", """{"path":"notes.txt"}""", Id: "call_chain_1")),
            StandInReply.FromText("The notes say: buy milk."));
        var client = Client(proxy);

        ResponseResult first = await client.CreateResponseAsync(Ask("My name is Ada."), Deadline());
        var second = Ask("Read notes.txt", first.Id);
        second.Tools.Add(readFile);
        ResponseResult secondResult = await client.CreateResponseAsync(second, Deadline());
        var call = Assert.IsType<FunctionCallResponseItem>(Assert.Single(secondResult.OutputItems));
        var third = new CreateResponseOptions(Alias, [ResponseItem.CreateFunctionCallOutputItem(call.CallId, "buy milk")])
        {
            PreviousResponseId = secondResult.Id,
        };
        third.Tools.Add(readFile);
        ResponseResult thirdResult = await client.CreateResponseAsync(third, Deadline());

        Assert.Equal("The notes say: buy milk.", thirdResult.GetOutputText());
        Assert.Equal(secondResult.Id, thirdResult.PreviousResponseId);
        await proxy.Upstream.NextChatRequestAsync(cancellationToken: Deadline());
        await proxy.Upstream.NextChatRequestAsync(cancellationToken: Deadline());
        var messages = (await proxy.Upstream.NextChatRequestAsync(cancellationToken: Deadline())).JsonElement!.Value.GetProperty("messages");
        Assert.Equal(["user", "assistant", "user", "assistant", "tool"], messages.EnumerateArray().Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("My name is Ada.", messages[0].GetProperty("content").ToString());
        Assert.Equal("Nice to meet you, Ada.", messages[1].GetProperty("content").ToString());
        Assert.Equal("call_chain_1", messages[3].GetProperty("tool_calls")[0].GetProperty("id").GetString());
        Assert.Equal("call_chain_1", messages[4].GetProperty("tool_call_id").GetString());
        Assert.Equal("buy milk", messages[4].GetProperty("content").ToString());

        // The chain lives in the Redis-protocol server, not in process memory.
        using var redis = await ConnectionMultiplexer.ConnectAsync(garnet.ConnectionString);
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var keys = server.Keys(pattern: "cursoraspire:conversation:*").Select(k => k.ToString()).ToList();
        Assert.Contains(keys, k => k.EndsWith(":" + first.Id, StringComparison.Ordinal));
        Assert.Contains(keys, k => k.EndsWith(":" + thirdResult.Id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AStoredResponseCanBeRetrievedOnlyByItsKey()
    {
        await using var proxy = await ProxyHost.StartWithStandInAsync(redis: garnet.ConnectionString);
        proxy.Upstream.Enqueue(StandInReply.FromText("kept"));
        ResponseResult created = await Client(proxy).CreateResponseAsync(Ask("keep this"), Deadline());

        ResponseResult fetched = await Client(proxy).GetResponseAsync(created.Id, Deadline());
        var error = await Assert.ThrowsAsync<ClientResultException>(() => Client(proxy, ProxyHost.OtherApiKey).GetResponseAsync(created.Id, Deadline()));

        Assert.Equal(created.Id, fetched.Id);
        Assert.Equal("kept", fetched.GetOutputText());
        Assert.Equal(ResponseStatus.Completed, fetched.Status);
        Assert.Equal(404, error.Status);
    }

    [Fact]
    public async Task AStreamedResponseCanBeContinued()
    {
        await using var proxy = await ProxyHost.StartWithStandInAsync(redis: garnet.ConnectionString);
        proxy.Upstream.Enqueue(StandInReply.FromText("Blue."), StandInReply.FromText("You said blue."));
        var client = Client(proxy);

        string? firstId = null;
        await foreach (var update in await client.CreateResponseStreamingAsync(Streamed(Ask("Favourite colour: blue.")), Deadline()))
        {
            if (update is StreamingResponseCompletedUpdate completed)
            {
                firstId = completed.Response.Id;
            }
        }
        ResponseResult second = await client.CreateResponseAsync(Ask("What did I say?", firstId), Deadline());

        Assert.Equal("You said blue.", second.GetOutputText());
        await proxy.Upstream.NextChatRequestAsync(cancellationToken: Deadline());
        var messages = (await proxy.Upstream.NextChatRequestAsync(cancellationToken: Deadline())).JsonElement!.Value.GetProperty("messages");
        Assert.Equal("Blue.", messages[1].GetProperty("content").ToString());
    }

    [Fact]
    public async Task AnUnknownPreviousResponseIdIsA404()
    {
        await using var proxy = await ProxyHost.StartWithStandInAsync(redis: garnet.ConnectionString);

        var error = await Assert.ThrowsAsync<ClientResultException>(() => Client(proxy).CreateResponseAsync(Ask("hi", "resp_does_not_exist"), Deadline()));

        Assert.Equal(404, error.Status);
        var body = JsonDocument.Parse(error.GetRawResponse()!.Content.ToString()).RootElement.GetProperty("error");
        Assert.Equal("previous_response_not_found", body.GetProperty("code").GetString());
        Assert.Equal("previous_response_id", body.GetProperty("param").GetString());
        Assert.Equal("invalid_request_error", body.GetProperty("type").GetString());
        Assert.Equal(0, proxy.Upstream.CallCount);
    }

    [Fact]
    public async Task AnotherKeysResponseIdIsA404()
    {
        await using var proxy = await ProxyHost.StartWithStandInAsync(redis: garnet.ConnectionString);
        proxy.Upstream.Enqueue(StandInReply.FromText("secret"));
        ResponseResult first = await Client(proxy, ProxyHost.ApiKey).CreateResponseAsync(Ask("Remember: 42."), Deadline());

        var error = await Assert.ThrowsAsync<ClientResultException>(
            () => Client(proxy, ProxyHost.OtherApiKey).CreateResponseAsync(Ask("What did I say?", first.Id), Deadline()));

        Assert.Equal(404, error.Status);
        Assert.Contains("previous_response_not_found", error.GetRawResponse()!.Content.ToString());
        Assert.Equal(1, proxy.Upstream.CallCount);
    }

    [Fact]
    public async Task AResponseNotStoredCannotBeContinued()
    {
        await using var proxy = await ProxyHost.StartWithStandInAsync(redis: garnet.ConnectionString);
        proxy.Upstream.Enqueue(StandInReply.FromText("ok"));
        var unstored = Ask("hi");
        unstored.StoredOutputEnabled = false;
        ResponseResult first = await Client(proxy).CreateResponseAsync(unstored, Deadline());

        var error = await Assert.ThrowsAsync<ClientResultException>(() => Client(proxy).CreateResponseAsync(Ask("again", first.Id), Deadline()));

        Assert.Equal(404, error.Status);
    }

    [Fact]
    public async Task AnUpstreamErrorBeforeTheStreamStartsIsAnErrorStatus()
    {
        await using var proxy = await ProxyHost.StartWithStandInAsync();
        // The first attempt and its retry both fail.
        proxy.Upstream.Enqueue(StandInReply.FromError(503, "model is loading"), StandInReply.FromError(503, "model is loading"));

        var error = await Assert.ThrowsAsync<ClientResultException>(async () =>
        {
            await foreach (var _ in await Client(proxy).CreateResponseStreamingAsync(Streamed(Ask("hi")), Deadline()))
            {
            }
        });

        Assert.True(error.Status >= 500, $"status {error.Status}");
        Assert.True(JsonDocument.Parse(error.GetRawResponse()!.Content.ToString()).RootElement.GetProperty("error").TryGetProperty("message", out _));
    }

    [Fact]
    public async Task AnUpstreamFailureAfterTheStartIsAResponseFailedEvent()
    {
        await using var proxy = await ProxyHost.StartWithStandInAsync();
        proxy.Upstream.Enqueue(StandInReply.FromText("par", "tial", "never") with { FailAfterChunks = 2 });

        using var http = proxy.CreateClient();
        var response = await http.PostAsync("v1/responses", new StringContent(
            $$"""{"model":"{{Alias}}","input":"hi","stream":true}""", Encoding.UTF8, "application/json"), Deadline());
        var events = ResponseEvents.Parse(await response.Content.ReadAsStringAsync(Deadline()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("response.created", events[0].Event);
        Assert.Equal("response.failed", events[^1].Event);
        var failed = events[^1].Data.GetProperty("response");
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(failed.GetProperty("error").GetProperty("message").GetString()));
    }

    [Fact]
    public async Task ABodyWithoutInputIsA400()
    {
        await using var proxy = await ProxyHost.StartWithStandInAsync();
        using var http = proxy.CreateClient();

        var response = await http.PostAsync("anything/v1/responses", new StringContent("""{"model":"m","messages":[]}""", Encoding.UTF8, "application/json"), Deadline());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Deadline())).RootElement.GetProperty("error");
        Assert.Equal("input", error.GetProperty("param").GetString());
    }
}
