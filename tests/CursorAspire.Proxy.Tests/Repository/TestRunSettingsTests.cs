namespace CursorAspire.Proxy.Tests.Repository;

/// <summary>
/// `dotnet test CursorAspire.sln` runs with tests/tests.runsettings: hosts built by tests do not watch their config
/// files, which would take one of Linux's 128 inotify instances per user each (the AppHost tests reached 115).
/// </summary>
public sealed class TestRunSettingsTests
{
    [Fact]
    public void HostsBuiltByTestsDoNotWatchTheirConfigFiles() =>
        Assert.Equal("false", Environment.GetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange"));
}
