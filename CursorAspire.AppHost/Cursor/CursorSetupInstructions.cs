using System.Text;

namespace CursorAspire.AppHost.Cursor;

/// <summary>What the user pastes into Cursor (Settings → Models), and the words that tell them.</summary>
/// <param name="BaseUrl">The "Override OpenAI Base URL" value, ending in <c>/v1</c>.</param>
/// <param name="IsPublic">Whether <paramref name="BaseUrl"/> is reachable by Cursor's servers (a tunnel URL).</param>
/// <param name="ApiKeyParameter">The AppHost parameter that holds the key (the key itself is never logged).</param>
/// <param name="Models">The model names to add with "+ Add Custom Model".</param>
public sealed record CursorSetupInstructions(string BaseUrl, bool IsPublic, string ApiKeyParameter, IReadOnlyList<string> Models)
{
    /// <summary>Builds the base URL from the public URL when there is one, else from the proxy's local URL.</summary>
    public static CursorSetupInstructions Create(string? publicUrl, string localUrl, string apiKeyParameter, IReadOnlyList<string> models)
    {
        var isPublic = !string.IsNullOrWhiteSpace(publicUrl);
        return new(WithV1(isPublic ? publicUrl! : localUrl), isPublic, apiKeyParameter, models);
    }

    /// <summary>The note shown when the URL is local.</summary>
    public const string LocalOnlyNote =
        "local only: Cursor's servers cannot reach localhost, so Cursor needs a tunnel URL here (see README, \"Tunnel\")";

    /// <summary>
    /// The multi-line text logged at start-up, and again when the base URL changed (a quick tunnel restarted): then it
    /// begins by saying plainly that Cursor's setting must be updated, and from what.
    /// </summary>
    /// <param name="previousBaseUrl">The base URL announced before, when this one replaces it.</param>
    public string ToText(string? previousBaseUrl = null)
    {
        var text = new StringBuilder();
        if (previousBaseUrl is not null && previousBaseUrl != BaseUrl)
        {
            text.Append("The public URL changed: update Cursor's 'Override OpenAI Base URL' to ").Append(BaseUrl)
                .Append(" (it was ").Append(previousBaseUrl).AppendLine("); until then Cursor's requests fail. The key and models stay the same.");
        }

        text.AppendLine("Cursor setup (Cursor Settings → Models):")
            .Append("  Override OpenAI Base URL: ").Append(BaseUrl);
        if (!IsPublic)
        {
            text.Append("  (").Append(LocalOnlyNote).Append(')');
        }

        text.AppendLine()
            .Append("  OpenAI API Key: the value of the AppHost parameter '").Append(ApiKeyParameter)
            .AppendLine("' (dashboard: the parameter's row → show value; or `dotnet user-secrets list --project CursorAspire.AppHost`)")
            .Append("  Add custom models: ")
            .Append(Models.Count == 0 ? "(none: list Ollama:Models with Ollama available, or configure a remote provider)" : string.Join(", ", Models));
        return text.ToString();
    }

    private static string WithV1(string url)
    {
        var trimmed = url.TrimEnd('/');
        return trimmed.EndsWith("/v1", StringComparison.OrdinalIgnoreCase) ? trimmed : trimmed + "/v1";
    }
}
