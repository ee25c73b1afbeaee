namespace CursorAspire.AppHost.Tests.Infrastructure;

/// <summary>
/// Executable files that exist (so PATH lookup succeeds) but are never run: the model tests only build the model.
/// </summary>
internal sealed class FakeExecutables : IDisposable
{
    public FakeExecutables()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("cursoraspire-fake-bin-").FullName;
    }

    public string Directory { get; }

    /// <summary>Creates an executable file named <paramref name="name"/> and returns its full path.</summary>
    public string Create(string name)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, "#!/bin/sh\necho \"fake $0 must not run in a model test\" >&2\nexit 3\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
