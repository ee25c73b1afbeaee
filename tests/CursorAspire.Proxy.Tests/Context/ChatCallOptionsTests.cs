using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Tests.Context;

/// <summary>The request's context goes wherever its options are cloned, and only as far as the point that takes it off.</summary>
public sealed class ChatCallOptionsTests
{
    private static ChatCallOptions Options(out ChatCallContext context)
    {
        context = new ChatCallContext("key-0a1b2c", new ResponseCacheScope("key-0a1b2c"), "cursoraspire-0123");
        var request = new ChatOptions
        {
            ModelId = "qwen3-coder:30b",
            Temperature = 0,
            MaxOutputTokens = 512,
            Tools = [AIFunctionFactory.CreateDeclaration("read_file", "Read a file.", JsonDocument.Parse("""{"type":"object"}""").RootElement)],
            AdditionalProperties = new AdditionalPropertiesDictionary { ["verbosity"] = "low" },
        };
        return new ChatCallOptions(request, context);
    }

    [Fact]
    public void AStageThatClonesTheOptionsKeepsTheContext()
    {
        var options = Options(out var context);

        var clone = options.Clone();

        Assert.Same(context, ChatCallContext.Of(clone));
        Assert.NotSame(options.Tools, clone.Tools);
        Assert.Equal("qwen3-coder:30b", clone.ModelId);
        Assert.Equal(512, clone.MaxOutputTokens);
    }

    [Fact]
    public void WithoutTheContextTheOptionsArePlainAndOtherwiseTheSame()
    {
        var options = Options(out _);

        var plain = options.WithoutContext();

        Assert.Equal(typeof(ChatOptions), plain.GetType());
        Assert.Null(ChatCallContext.Of(plain));
        Assert.Equal("qwen3-coder:30b", plain.ModelId);
        Assert.Equal(0f, plain.Temperature);
        Assert.Equal("read_file", Assert.Single(plain.Tools!).Name);
        Assert.Equal("low", plain.AdditionalProperties!["verbosity"]);
        // The request's own options keep their context.
        Assert.NotNull(ChatCallContext.Of(options));
    }

    [Fact]
    public void PlainOptionsCarryNoContext() => Assert.Null(ChatCallContext.Of(new ChatOptions()));
}
