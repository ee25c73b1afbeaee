using System.Text;

namespace CursorAspire.AppHost.Ollama;

/// <summary>Turns Ollama model names into names Aspire accepts for resources.</summary>
public static class OllamaModelNames
{
    /// <summary>
    /// A resource name for <paramref name="modelName"/> under <paramref name="serverName"/>: letters, digits and single
    /// hyphens only (Aspire's rule), e.g. <c>ollama</c> + <c>qwen2.5-coder:7b</c> → <c>ollama-qwen2-5-coder-7b</c>.
    /// </summary>
    public static string ToResourceName(string serverName, string modelName)
    {
        var text = new StringBuilder(serverName.Length + modelName.Length + 1).Append(serverName).Append('-');
        foreach (var c in modelName)
        {
            var ok = char.IsAsciiLetterOrDigit(c);
            if (ok)
            {
                text.Append(char.ToLowerInvariant(c));
            }
            else if (text[^1] != '-')
            {
                text.Append('-');
            }
        }

        var name = text.ToString().TrimEnd('-');
        return name.Length <= 64 ? name : name[..64].TrimEnd('-');
    }

    /// <summary>
    /// Whether Ollama's listed <paramref name="listedName"/> is <paramref name="modelName"/>
    /// (Ollama lists an untagged model as <c>name:latest</c>).
    /// </summary>
    public static bool AreSame(string modelName, string listedName)
    {
        static string Normalize(string n) => n.Contains(':') ? n : n + ":latest";
        return string.Equals(Normalize(modelName), Normalize(listedName), StringComparison.OrdinalIgnoreCase);
    }
}
