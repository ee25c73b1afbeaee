using Microsoft.Extensions.Configuration;
using CursorAspire.Check;

namespace CursorAspire.AppHost.Check;

/// <summary>The AppHost's <c>CursorCheck</c> section: when the check runs by itself, and how patiently.</summary>
/// <param name="AutoRun"><c>CursorCheck:AutoRun</c>: run once the public URL is healthy (default true).</param>
/// <param name="SlowFirstToken"><c>CursorCheck:SlowFirstToken</c>: a later first token is reported (default 10 s).</param>
/// <param name="ContextTokens"><c>CursorCheck:ContextTokens</c>: the context probe's size (default 25,000; 0 leaves the step out).</param>
/// <param name="RequestTimeout"><c>CursorCheck:RequestTimeout</c>: the longest one request may take (default 2 min).</param>
/// <param name="ContextProbeTimeout"><c>CursorCheck:ContextProbeTimeout</c>: the longest the context probe may take (default 5 min).</param>
public sealed record CursorCheckSettings(bool AutoRun, TimeSpan SlowFirstToken, int ContextTokens, TimeSpan RequestTimeout, TimeSpan ContextProbeTimeout)
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "CursorCheck";

    /// <summary>Reads the section; absent keys keep their defaults.</summary>
    public static CursorCheckSettings FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(SectionName);
        var settings = new CursorCheckSettings(
            section.GetValue("AutoRun", true),
            section.GetValue("SlowFirstToken", CursorCheckOptions.DefaultSlowFirstToken),
            section.GetValue("ContextTokens", CursorCheckOptions.CursorPromptTokens),
            section.GetValue("RequestTimeout", CursorCheckOptions.DefaultRequestTimeout),
            section.GetValue("ContextProbeTimeout", CursorCheckOptions.DefaultContextProbeTimeout));
        if (settings.ContextTokens < 0 || settings.SlowFirstToken <= TimeSpan.Zero || settings.RequestTimeout <= TimeSpan.Zero || settings.ContextProbeTimeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{SectionName}: ContextTokens must be 0 or more, and SlowFirstToken, RequestTimeout and ContextProbeTimeout positive time spans (e.g. 00:00:10).");
        }

        return settings;
    }

    /// <summary>The check's options for <paramref name="baseUrl"/> and <paramref name="apiKey"/> with these settings.</summary>
    /// <param name="baseUrl">The base URL Cursor uses.</param>
    /// <param name="apiKey">The key Cursor sends.</param>
    /// <param name="checkSecret">The check secret the proxy shares (<c>Proxy:CheckSecret</c>); null sends unproven requests.</param>
    /// <param name="expectedModels">Models that must be listed.</param>
    /// <param name="models">Only these models, or (empty) what is listed.</param>
    /// <param name="probeContextOf">Which models get the context probe; all when null.</param>
    /// <param name="thinkingModels">Aliases that think, checked with a request without an effort.</param>
    public CursorCheckOptions ToOptions(Uri baseUrl, string apiKey, string? checkSecret, IReadOnlyList<string> expectedModels, IReadOnlyList<string> models, Func<string, bool>? probeContextOf = null, IReadOnlyList<string>? thinkingModels = null) => new()
    {
        ThinkingModels = thinkingModels ?? [],
        BaseUrl = baseUrl,
        ApiKey = apiKey,
        CheckSecret = checkSecret,
        ExpectedModels = expectedModels,
        Models = models,
        ProbeContextOf = probeContextOf ?? (_ => true),
        ContextProbeTokens = ContextTokens,
        SlowFirstToken = SlowFirstToken,
        RequestTimeout = RequestTimeout,
        ContextProbeTimeout = ContextProbeTimeout,
    };
}
