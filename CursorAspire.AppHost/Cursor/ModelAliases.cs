namespace CursorAspire.AppHost.Cursor;

/// <summary>The names under which the proxy offers models to Cursor.</summary>
public static class ModelAliases
{
    /// <summary>
    /// <c>local-</c> + the Ollama model with <c>:</c> and <c>/</c> replaced by <c>-</c>, e.g. <c>qwen2.5-coder:7b</c> →
    /// <c>local-qwen2.5-coder-7b</c>. The prefix keeps it clear of Cursor's built-in and provider-switching names.
    /// </summary>
    public static string ForLocalModel(string modelName) => "local-" + Flatten(modelName);

    /// <summary><c>{provider}-</c> + the model, e.g. <c>openai</c> + <c>gpt-4.1</c> → <c>openai-gpt-4.1</c>.</summary>
    public static string ForRemoteModel(string provider, string modelName) => provider + "-" + Flatten(modelName);

    private static string Flatten(string modelName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelName);
        return modelName.Trim().Replace(':', '-').Replace('/', '-');
    }
}
