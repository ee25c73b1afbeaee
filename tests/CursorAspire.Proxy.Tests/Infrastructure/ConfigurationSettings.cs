namespace CursorAspire.Proxy.Tests.Infrastructure;

/// <summary>A proxy configuration with one setting more, for a test that starts the proxy with it.</summary>
internal static class ConfigurationSettings
{
    public static Dictionary<string, string?> With(this Dictionary<string, string?> configuration, string key, string? value)
    {
        configuration[key] = value;
        return configuration;
    }
}
