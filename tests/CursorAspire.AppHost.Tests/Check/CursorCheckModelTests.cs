using CursorAspire.AppHost.Check;
using CursorAspire.Check;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.UserSecrets;

namespace CursorAspire.AppHost.Tests.Check;

/// <summary>"Check as Cursor" in the AppHost's model, and its settings; nothing runs.</summary>
public sealed class CursorCheckModelTests
{
    [Fact]
    public async Task TheProxyHasTheCheckAsCursorCommand()
    {
        await using var builder = await AppHostModel.ProcessModeAsync();

        var command = Assert.Single(builder.Resource<ProjectResource>("proxy").Annotations.OfType<ResourceCommandAnnotation>(),
            c => c.Name == CursorCheckBuilderExtensions.CommandName);
        Assert.Equal("Check as Cursor", command.DisplayName);
    }

    [Fact]
    public void TheCheckToolFindsTheAppHostsOwnKeyWhereTheAppHostKeepsIt()
    {
        // The tool's last default for --key is the AppHost's generated proxy-api-key, read from the AppHost's user secrets.
        var userSecrets = typeof(Projects.CursorAspire_AppHost).Assembly.GetCustomAttributes(typeof(UserSecretsIdAttribute), false)
            .Cast<UserSecretsIdAttribute>().Single();

        Assert.Equal(CursorCheckCommandLine.AppHostUserSecretsId, userSecrets.UserSecretsId);
        Assert.Equal(CursorCheckCommandLine.AppHostKeySetting, $"Parameters:{ProxyParameterExtensions.ApiKeyParameterName}");
    }

    [Fact]
    public void SettingsDefaultToCursorsUsualPromptAndRunningByThemselves()
    {
        var settings = CursorCheckSettings.FromConfiguration(new ConfigurationBuilder().Build());

        Assert.True(settings.AutoRun);
        Assert.Equal(25_000, settings.ContextTokens);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.SlowFirstToken);
        Assert.Equal(TimeSpan.FromMinutes(2), settings.RequestTimeout);
        Assert.Equal(TimeSpan.FromMinutes(5), settings.ContextProbeTimeout);
    }

    [Fact]
    public void SettingsAreReadFromTheCursorCheckSection()
    {
        var settings = CursorCheckSettings.FromConfiguration(Configuration(new()
        {
            ["CursorCheck:AutoRun"] = "false",
            ["CursorCheck:ContextTokens"] = "0",
            ["CursorCheck:SlowFirstToken"] = "00:00:30",
        }));

        Assert.False(settings.AutoRun);
        Assert.Equal(0, settings.ContextTokens);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.SlowFirstToken);
    }

    [Fact]
    public void ANegativePromptSizeIsRefusedWithTheSectionsName()
    {
        var error = Assert.Throws<InvalidOperationException>(() => CursorCheckSettings.FromConfiguration(Configuration(new() { ["CursorCheck:ContextTokens"] = "-1" })));

        Assert.Contains("CursorCheck", error.Message);
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) => new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
