using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CursorAspire.AppHost.Cache;

/// <summary>
/// The configuration file through which <c>redis-server</c> gets its password (<c>requirepass</c>), so the password is
/// never on its command line, where any local user could read it (<c>ps</c>, <c>/proc/&lt;pid&gt;/cmdline</c>) and the
/// dashboard would show it.
/// </summary>
/// <remarks>
/// Why a file and not <c>redis-server -</c> (configuration on stdin): the orchestrator starts executables without a
/// standard input, so stdin would need a shell in between, which the orchestrator would then stop instead of
/// <c>redis-server</c>, and whose environment (the dashboard shows it) would carry the password. The file lives in a
/// directory only this user may enter (0700, unguessable name under the temp folder) and is itself 0600, so only this
/// user can read it; it is written just before <c>redis-server</c> starts and deleted as soon as the server answers an
/// authenticated PING (it has read its configuration by then), and the directory goes when the AppHost stops.
/// </remarks>
internal sealed class RedisServerConfigFile
{
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public RedisServerConfigFile(string resourceName)
    {
        // Nothing touches the disk until the server starts: building the model (and model tests) must leave no trace.
        Directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"cursoraspire-{resourceName}-{RandomNumberGenerator.GetHexString(16, lowercase: true)}");
        Path = System.IO.Path.Combine(Directory, "redis.conf");
    }

    /// <summary>The directory the file is written to.</summary>
    public string Directory { get; }

    /// <summary>The file <c>redis-server</c> is given as its first argument.</summary>
    public string Path { get; }

    /// <summary>Writes the file with <paramref name="password"/> as <c>requirepass</c>, readable by this user only.</summary>
    public async Task WriteAsync(string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(password);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (OperatingSystem.IsWindows())
        {
            // The temp folder is in the user's own profile, whose ACL already keeps other users out.
            System.IO.Directory.CreateDirectory(Directory);
        }
        else
        {
            System.IO.Directory.CreateDirectory(Directory, OwnerOnlyDirectory);
            var mode = File.GetUnixFileMode(Directory);
            if (mode != OwnerOnlyDirectory)
            {
                throw new InvalidOperationException($"'{Directory}' is {mode}, not private to this user; the cache password is not written there.");
            }

            options.UnixCreateMode = OwnerOnlyFile;
        }

        var text = $"# Written by the CursorAspire AppHost; deleted once redis-server has read it.\nrequirepass {Quote(password)}\n";
        await using var file = new FileStream(Path, options);
        await file.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes the file (the running server keeps its password in memory).</summary>
    public void DeleteFile() => File.Delete(Path);

    /// <summary>Deletes the directory and anything left in it.</summary>
    public void DeleteDirectory()
    {
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    /// <summary>A value as a double-quoted string of redis.conf (backslash escapes; other ASCII control characters as <c>\xHH</c>).</summary>
    internal static string Quote(string value)
    {
        var text = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            _ = c switch
            {
                '"' or '\\' => text.Append('\\').Append(c),
                '\n' => text.Append("\\n"),
                '\r' => text.Append("\\r"),
                '\t' => text.Append("\\t"),
                _ when c < ' ' || c == '\x7f' => text.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture)),
                _ => text.Append(c),
            };
        }

        return text.Append('"').ToString();
    }
}
