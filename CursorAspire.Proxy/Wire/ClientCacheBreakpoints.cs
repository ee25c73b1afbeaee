namespace CursorAspire.Proxy.Wire;

/// <summary>
/// Where the client asked for a prompt-cache breakpoint: Cursor's <c>cache_control: {"type":"ephemeral"}</c> markers on
/// system blocks, tools and message blocks of an Anthropic-shaped body. The wire layer only records them, on the content
/// or tool they were on; a provider that has breakpoints (Anthropic) reads them, every other provider ignores them.
/// </summary>
public static class ClientCacheBreakpoints
{
    /// <summary>The <see cref="AIContent.AdditionalProperties"/> (and tool) key that marks a client breakpoint.</summary>
    public const string Property = "cursoraspire.cache_control";

    /// <summary>Marks <paramref name="content"/> as a client breakpoint and returns it.</summary>
    public static T Mark<T>(T content) where T : AIContent
    {
        (content.AdditionalProperties ??= [])[Property] = true;
        return content;
    }

    /// <summary>Whether the client put a breakpoint on <paramref name="content"/>.</summary>
    public static bool IsMarked(AIContent content) => content.AdditionalProperties?.ContainsKey(Property) == true;

    /// <summary>Whether the client put a breakpoint on <paramref name="tool"/>.</summary>
    public static bool IsMarked(AITool tool) => tool.AdditionalProperties.ContainsKey(Property);

    /// <summary>A tool declaration that carries the client's breakpoint.</summary>
    public static AIFunctionDeclaration Mark(AIFunctionDeclaration tool) => new MarkedDeclaration(tool);

    /// <summary>
    /// The declaration with the marker among its additional properties (M.E.AI's own delegating declaration is internal).
    /// </summary>
    private sealed class MarkedDeclaration(AIFunctionDeclaration inner) : AIFunctionDeclaration
    {
        private static readonly IReadOnlyDictionary<string, object?> Marked = new Dictionary<string, object?> { [Property] = true };

        public override string Name => inner.Name;

        public override string Description => inner.Description;

        public override JsonElement JsonSchema => inner.JsonSchema;

        public override JsonElement? ReturnJsonSchema => inner.ReturnJsonSchema;

        public override IReadOnlyDictionary<string, object?> AdditionalProperties => Marked;

        public override string ToString() => inner.ToString();
    }
}
