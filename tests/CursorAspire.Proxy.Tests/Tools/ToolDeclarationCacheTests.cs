using CursorAspire.Proxy.Tools;
using CursorAspire.Proxy.Wire.ChatCompletions;
using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Tests.Tools;

/// <summary>
/// Tools sent again with the same JSON get the declarations read the first time (so the provider clients' per-declaration
/// schema conversions are reused), outliving the request they were read from; anything else is read afresh. Only a
/// request that passed validation leaves declarations behind, and the cache is bounded by bytes.
/// </summary>
[Collection(ToolDeclarationCacheTests.Name)]
public sealed class ToolDeclarationCacheTests
{
    /// <summary>The cache is one per process: its tests run one at a time.</summary>
    public const string Name = "ToolDeclarationCache";

    private static ParsedChatRequest ReadAndDispose(string json, bool keep = true)
    {
        // The request's document is gone once its request is: a kept declaration must not point into it.
        using var document = JsonDocument.Parse(json);
        ParsedChatRequest request;
        var tools = ToolDeclarationCache.Collect();
        using (tools)
        {
            request = ChatRequestReader.Read(document.RootElement);
        }
        if (keep)
        {
            tools.Keep();
        }
        return request;
    }

    private static string Body(string tools, string input = """{"role":"user","content":"go"}""") =>
        $$"""{"model":"m","tools":{{tools}},"input":[{{input}}]}""";

    [Fact]
    public void CursorsToolsSentAgainAreTheSameDeclarationsAndTheirSchemasOutliveTheFirstRequest()
    {
        var fixture = CursorFixtures.Read("agent-chat-tools-multiturn.json");
        var first = ReadAndDispose(fixture);
        var second = ReadAndDispose(fixture);

        Assert.NotEmpty(first.Options.Tools!);
        Assert.Equal(first.Options.Tools!.Count, second.Options.Tools!.Count);
        for (var i = 0; i < first.Options.Tools.Count; i++)
        {
            Assert.Same(first.Options.Tools[i], second.Options.Tools[i]);
            var schema = ((AIFunctionDeclaration)second.Options.Tools[i]).JsonSchema;
            Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(schema.GetRawText()).RootElement.ValueKind);
        }
    }

    [Fact]
    public void AToolThatDiffersInAnyByteIsReadAfresh()
    {
        var first = ReadAndDispose(Body("""[{"type":"function","name":"ReadFile","description":"Reads a file.","parameters":{"type":"object"}}]"""));
        var second = ReadAndDispose(Body("""[{"type":"function","name":"ReadFile","description":"Reads a file!","parameters":{"type":"object"}}]"""));

        Assert.NotSame(first.Options.Tools![0], second.Options.Tools![0]);
        Assert.Equal("Reads a file!", ((AIFunctionDeclaration)second.Options.Tools[0]).Description);
    }

    [Fact]
    public void AMalformedToolIsRefusedEveryTimeItIsSent()
    {
        var body = Body("""[{"type":"function","name":"Broken","parameters":{"type":"object","properties":{"a":{"type":7}}}}]""");

        var first = Assert.Throws<WireFormatException>(() => ReadAndDispose(body));
        var second = Assert.Throws<WireFormatException>(() => ReadAndDispose(body));

        Assert.Equal(first.Message, second.Message);
        Assert.Contains("tools[0].parameters.properties.a.type", second.Message);
    }

    [Fact]
    public void ACustomToolSentAgainStillHasItsCallsWrapped()
    {
        // Custom tool names decide how history calls are read: a known declaration must still name its tool.
        const string Tools = """[{"type":"custom","name":"ApplyPatchAgain","description":"Patch."}]""";
        const string Call = """{"role":"user","content":"edit"},{"type":"function_call","call_id":"c1","name":"ApplyPatchAgain","arguments":"*** Begin Patch\n*** End Patch"}""";
        ReadAndDispose(Body(Tools));

        var request = ReadAndDispose(Body(Tools, Call));

        var call = request.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Single();
        Assert.Equal("*** Begin Patch\n*** End Patch", call.Arguments!["input"] is JsonElement e ? e.GetString() : call.Arguments["input"]);
    }

    [Fact]
    public void ToolsOfARequestThatWasNotKeptAreNotCached()
    {
        var body = Body("[{\"type\":\"function\",\"name\":\"Unkept" + Guid.NewGuid().ToString("N") + "\",\"parameters\":{\"type\":\"object\"}}]");

        var refused = ReadAndDispose(body, keep: false);
        var again = ReadAndDispose(body);

        Assert.NotSame(refused.Options.Tools![0], again.Options.Tools![0]);
    }

    [Fact]
    public void HugeToolListsNeverHoldMoreThanTwoGenerationsOfBytes()
    {
        // Forty requests, each with 30 tools of about 60 KB: 72 MB of JSON if all were kept.
        var description = new string('x', 60_000);
        for (var request = 0; request < 40; request++)
        {
            var tools = string.Join(",", Enumerable.Range(0, 30).Select(i =>
                "{\"type\":\"function\",\"name\":\"T" + request + "_" + i + "\",\"description\":\"" + description + "\",\"parameters\":{\"type\":\"object\"}}"));
            ReadAndDispose(Body($"[{tools}]"));
            Assert.InRange(ToolDeclarationCache.Bytes, 0, 2 * ToolDeclarationCache.GenerationBytes);
        }
    }

    [Fact]
    public void AToolLargerThanTheLimitIsNeverKept()
    {
        var body = Body("[{\"type\":\"function\",\"name\":\"Huge" + Guid.NewGuid().ToString("N") + "\",\"description\":\"" + new string('y', ToolDeclarationCache.MaxToolBytes) + "\",\"parameters\":{\"type\":\"object\"}}]");
        var first = ReadAndDispose(body);
        var second = ReadAndDispose(body);

        Assert.NotSame(first.Options.Tools![0], second.Options.Tools![0]);
    }

    [Fact]
    public async Task ARequestRefusedAfterItsToolsWereReadLeavesNothingBehind()
    {
        await using var guarded = await GuardedProxy.StartAsync();
        using var limited = guarded.Limited();
        var tool = "{\"type\":\"function\",\"function\":{\"name\":\"Refused" + Guid.NewGuid().ToString("N") + "\",\"parameters\":{\"type\":\"object\"}}}";
        var body = JsonNode.Parse(ChatRequests.Simple("remote", stream: false))!.AsObject();
        body["tools"] = new JsonArray(JsonNode.Parse(tool));

        // The limited key may not use 'remote': refused once the body, tools and all, was read.
        var (refused, _) = await ChatRequests.PostReadAsync(limited, body.ToJsonString());
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        using var document = JsonDocument.Parse(tool);
        Assert.False(ToolDeclarationCache.TryGet(document.RootElement, out _, out _));
        // The same tools in a request that passes are kept.
        Assert.Equal(HttpStatusCode.OK, (await ChatRequests.PostAsync(guarded.Proxy.Client, body.ToJsonString())).StatusCode);
        Assert.True(ToolDeclarationCache.TryGet(document.RootElement, out _, out _));
    }
}
