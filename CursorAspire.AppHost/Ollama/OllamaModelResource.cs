using System.Runtime.CompilerServices;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A model an Ollama server must have. It is pulled once the server is healthy; while it downloads, its dashboard
/// state is the progress ("Downloading 42%"), and it is healthy only once the server lists it.
/// Its connection string is the server's plus <c>;Model=name</c>.
/// </summary>
/// <param name="name">The resource name.</param>
/// <param name="modelName">The model as Ollama names it, e.g. <c>qwen2.5-coder:7b</c>.</param>
/// <param name="parent">The server that hosts it.</param>
public sealed class OllamaModelResource(string name, string modelName, IOllamaServerResource parent)
    : Resource(name), IResourceWithParent<IOllamaServerResource>, IResourceWithConnectionString, IResourceWithWaitSupport
{
    /// <summary>The model as Ollama names it.</summary>
    public string ModelName { get; } = ThrowIfBlank(modelName);

    /// <inheritdoc />
    public IOllamaServerResource Parent { get; } = parent ?? throw new ArgumentNullException(nameof(parent));

    /// <summary>
    /// The context window it is served with (the ceiling of the proxy's <c>num_ctx</c>): tokens, or <c>auto</c> for the
    /// model-fit advisor's choice; null serves the model's own context length. Set with <c>WithContextWindow</c>.
    /// </summary>
    public OllamaContextWindow? ContextWindow { get; internal set; }

    /// <summary>
    /// The model-fit advisor's verdict, once the model is on its server (before it turns Running): the window it chose and
    /// whether it fits the GPU. Null until then, or when Ollama could not tell.
    /// </summary>
    public CursorAspire.AppHost.Ollama.Fit.OllamaModelFit? Fit { get; internal set; }

    /// <inheritdoc />
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{Parent.ConnectionStringExpression};Model={ModelName}");

    private static string ThrowIfBlank(string value, [CallerArgumentExpression(nameof(value))] string? paramName = null) =>
        string.IsNullOrWhiteSpace(value) ? throw new ArgumentException("A model name is required.", paramName) : value;
}
