namespace CursorAspire.AppHost.Tests.Infrastructure;

/// <summary>Where the Ollama stand-in executable (<c>CursorAspire.TestUpstreams serve</c>) is.</summary>
internal static class StandIn
{
    /// <summary>The stand-in's assembly, copied next to the tests by the project reference.</summary>
    public static string AssemblyPath
    {
        get
        {
            var path = Path.Combine(AppContext.BaseDirectory, "CursorAspire.TestUpstreams.dll");
            Assert.True(File.Exists(path), $"The Ollama stand-in is missing: {path} (tests/CursorAspire.TestUpstreams must build).");
            return path;
        }
    }

    /// <summary><c>dotnet</c> itself, to run the stand-in with.</summary>
    public static string Dotnet =>
        Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";
}
