using CursorAspire.Proxy.Wire.ChatCompletions;
using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Tests.Tools;

/// <summary>
/// Tools sent again with the same JSON get the declarations read the first time (so the provider clients' per-declaration
/// schema conversions are reused), outliving the request they were read from; anything else is read afresh.
/// </summary>
public sealed class ToolDeclarationCacheTests
{
    private static ParsedChatRequest ReadAndDispose(string json)
    {
        // The request's document is gone once its request is: a kept declaration must not point into it.
        using var document = JsonDocument.Parse(json);
        return ChatRequestReader.Read(document.RootElement);
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
}
