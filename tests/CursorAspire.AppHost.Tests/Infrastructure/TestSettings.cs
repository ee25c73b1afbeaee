using CursorAspire.AppHost.Hosting;
using Microsoft.Extensions.Configuration;

namespace CursorAspire.AppHost.Tests.Infrastructure;

/// <summary>The AppHost's settings as it reads them, from the given configuration entries alone.</summary>
internal static class TestSettings
{
    /// <summary>Reads <see cref="AppHostSettings"/> from <paramref name="values"/> (key, value) and nothing else.</summary>
    public static AppHostSettings Read(params (string Key, string Value)[] values) =>
        AppHostSettings.FromConfiguration(new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build());
}
