namespace CursorAspire.LoadHarness;

/// <summary>Which upstream the proxy routes to in a run.</summary>
public enum UpstreamProvider
{
    Ollama,
    OpenAI,
}
