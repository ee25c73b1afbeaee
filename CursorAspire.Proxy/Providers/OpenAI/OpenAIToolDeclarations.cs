using System.ClientModel.Primitives;
using System.Runtime.CompilerServices;
using CursorAspire.Proxy.Wire.Json;
using OpenAIChat = OpenAI.Chat;

namespace CursorAspire.Proxy.Providers.OpenAI;

/// <summary>
/// Each function tool's JSON in a Chat Completions <c>tools</c> array, produced once per declaration and written raw into
/// every request that carries it (<see cref="OpenAIChatRequestWriter"/>). M.E.AI's OpenAI client converts every
/// declaration's schema on every request (~0.25 ms for Cursor's dozen tools); the declarations of a tool set Cursor sends
/// again are the same objects (<see cref="Tools.ToolDeclarationCache"/>), so their bytes are kept beside them.
/// </summary>
/// <remarks>
/// The bytes are M.E.AI's own conversion (<see cref="OpenAIChat.MicrosoftExtensionsAIChatExtensions.AsOpenAIChatTool"/>)
/// written by the OpenAI SDK, once: what M.E.AI would have sent, less the whitespace. M.E.AI serializes each schema
/// indented (its default serializer options), ~2 KB of spaces and newlines in every agent request for Cursor's tools
/// (a sixth of the body); the schema's tokens and their bytes are kept as they were (<see cref="JsonWhitespace.Strip"/>). A request
/// whose options carry a <c>strict</c> flag the declaration does not (M.E.AI reads it per request) gets the bytes of that
/// strictness, kept beside the others.
/// </remarks>
internal static class OpenAIToolDeclarations
{
    private static readonly ConditionalWeakTable<AIFunctionDeclaration, Written> Kept = new();

    /// <summary>The tool's JSON for a request whose options say <paramref name="strict"/> (M.E.AI's <c>strict</c> option, if a <see cref="bool"/>).</summary>
    public static byte[] Of(AIFunctionDeclaration declaration, bool? strict)
    {
        var written = Kept.TryGetValue(declaration, out var kept) ? kept : Add(declaration);
        // The declaration's own flag wins over the options' (as in M.E.AI): then the options change nothing.
        return strict is not { } flag || written.OwnStrict ? written.Plain
            : flag ? written.StrictTrue ??= Write(new StrictDeclaration(declaration, true))
            : written.StrictFalse ??= Write(new StrictDeclaration(declaration, false));
    }

    /// <summary>Converts on a miss (apart, so a hit makes no closure).</summary>
    private static Written Add(AIFunctionDeclaration declaration) =>
        Kept.GetValue(declaration, static d => new Written(Write(d), OwnStrict: StrictOf(d.AdditionalProperties) is not null));

    private static byte[] Write(AIFunctionDeclaration declaration) =>
        JsonWhitespace.Strip(ModelReaderWriter.Write(OpenAIChat.MicrosoftExtensionsAIChatExtensions.AsOpenAIChatTool(declaration)).ToMemory().Span);

    /// <summary>M.E.AI's reading of a <c>strict</c> property: a <see cref="bool"/> value, else none.</summary>
    public static bool? StrictOf(IReadOnlyDictionary<string, object?>? properties) =>
        properties is not null && properties.TryGetValue("strict", out var value) && value is bool strict ? strict : null;

    /// <summary>One declaration's bytes: as it is, and (rarely, made when first asked) under an options-level strict flag.</summary>
    private sealed record Written(byte[] Plain, bool OwnStrict)
    {
        public byte[]? StrictTrue { get; set; }

        public byte[]? StrictFalse { get; set; }
    }

    /// <summary>The declaration with the options' <c>strict</c> flag as its own, so M.E.AI's conversion applies it.</summary>
    private sealed class StrictDeclaration(AIFunctionDeclaration inner, bool strict) : AIFunctionDeclaration
    {
        private readonly IReadOnlyDictionary<string, object?> _properties = new Dictionary<string, object?>(inner.AdditionalProperties) { ["strict"] = strict };

        public override string Name => inner.Name;

        public override string Description => inner.Description;

        public override JsonElement JsonSchema => inner.JsonSchema;

        public override JsonElement? ReturnJsonSchema => inner.ReturnJsonSchema;

        public override IReadOnlyDictionary<string, object?> AdditionalProperties => _properties;
    }
}
