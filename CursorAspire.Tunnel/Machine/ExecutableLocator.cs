namespace CursorAspire.Tunnel.Machine;

/// <summary>
/// Finds an executable the way a shell would: a path as given, or a bare name looked up on <c>PATH</c>. The one
/// locator for every command the AppHost may run as a process (cloudflared, Ollama, redis-server).
/// </summary>
public static class ExecutableLocator
{
    /// <summary>Returns the full path of <paramref name="command"/>, or <see langword="null"/> when it cannot be found.</summary>
    /// <param name="command">A bare name, looked up on <c>PATH</c> (on Windows also with each <c>PATHEXT</c> extension), or a path.</param>
    /// <param name="baseDirectory">The directory a relative path is resolved against; the current directory when <see langword="null"/>.</param>
    /// <returns>The full path of an existing file, or <see langword="null"/>.</returns>
    public static string? Find(string? command, string? baseDirectory = null) =>
        Find(command, baseDirectory, Environment.GetEnvironmentVariable("PATH"));

    /// <summary>As <see cref="Find(string?, string?)"/>, searching <paramref name="searchPath"/> instead of the process's <c>PATH</c>.</summary>
    internal static string? Find(string? command, string? baseDirectory, string? searchPath)
    {
        if (string.IsNullOrWhiteSpace(command))
        {
            return null;
        }

        if (command.Contains(Path.DirectorySeparatorChar) || command.Contains(Path.AltDirectorySeparatorChar))
        {
            var full = baseDirectory is null ? Path.GetFullPath(command) : Path.GetFullPath(command, baseDirectory);
            return File.Exists(full) ? full : null;
        }

        // On Windows a name may be given with its extension ("ollama.exe") or without ("ollama").
        var extensions = OperatingSystem.IsWindows()
            ? (Environment.GetEnvironmentVariable("PATHEXT") ?? ".EXE;.CMD;.BAT").Split(';', StringSplitOptions.RemoveEmptyEntries).Prepend("")
            : [""];
        foreach (var directory in (searchPath ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var extension in extensions)
            {
                var candidate = Path.Combine(directory, command + extension);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
