using System.Text.RegularExpressions;

namespace CursorAspire.AppHost.Tests.Infrastructure;

/// <summary>
/// A publishing manifest as the real AppHost writes it (<c>--publisher manifest</c>), parsed, with the checks a deployment
/// tool makes of it: every <c>{resource.…}</c> reference resolves, no executable, every secret a parameter.
/// </summary>
internal sealed partial class PublishedManifest
{
    private PublishedManifest(string text)
    {
        Text = text;
        Resources = JsonDocument.Parse(text).RootElement.GetProperty("resources").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
    }

    /// <summary>The manifest as written.</summary>
    public string Text { get; }

    /// <summary>The manifest's resources by name.</summary>
    public IReadOnlyDictionary<string, JsonElement> Resources { get; }

    /// <summary>Publishes the real AppHost (its Program, through the testing builder) with <paramref name="args"/> and reads the manifest.</summary>
    public static async Task<PublishedManifest> PublishAsync(params string[] args)
    {
        var directory = Directory.CreateTempSubdirectory("cursoraspire-manifest-");
        try
        {
            var path = Path.Combine(directory.FullName, "manifest.json");
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.CursorAspire_AppHost>(
                [.. AppHostModel.TestParameters, "--publisher", "manifest", "--output-path", path, .. args], timeout.Token);
            Assert.True(builder.ExecutionContext.IsPublishMode);
            await using (var app = await builder.BuildAsync(timeout.Token))
            {
                await app.RunAsync(timeout.Token);
            }

            Assert.True(File.Exists(path), $"No manifest at {path}.");
            return Read(await File.ReadAllTextAsync(path, timeout.Token));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>Parses a manifest's text.</summary>
    public static PublishedManifest Read(string text) => new(text);

    /// <summary>The resource named <paramref name="name"/>, which must be there.</summary>
    public JsonElement Resource(string name) =>
        Resources.TryGetValue(name, out var resource) ? resource : throw new Xunit.Sdk.XunitException($"No resource '{name}' in the manifest:\n{Text}");

    /// <summary>The resource's <c>type</c>.</summary>
    public string TypeOf(string name) => Resource(name).GetProperty("type").GetString()!;

    /// <summary>The resource's environment variables.</summary>
    public Dictionary<string, string> Environment(string name) =>
        Resource(name).TryGetProperty("env", out var env)
            ? env.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!)
            : [];

    /// <summary>The resource's arguments.</summary>
    public List<string> Arguments(string name) =>
        Resource(name).TryGetProperty("args", out var args) ? args.EnumerateArray().Select(a => a.GetString()!).ToList() : [];

    /// <summary>Whether the resource's binding is external.</summary>
    public bool IsExternal(string name, string binding) =>
        Resource(name).GetProperty("bindings").GetProperty(binding).TryGetProperty("external", out var external) && external.GetBoolean();

    /// <summary>The resource's <c>x-cursoraspire</c> block.</summary>
    public JsonElement Hints(string name) => Resource(name).GetProperty(DeploymentHintsManifestExtensions.BlockName);

    /// <summary>
    /// What a deployment tool would refuse: references to resources, bindings or properties that are not there,
    /// executables (a deployment runs containers and projects only) and resource types not every tool knows.
    /// </summary>
    public List<string> Problems()
    {
        var problems = new List<string>();
        foreach (var (name, resource) in Resources)
        {
            if (TypeOf(name).StartsWith("executable", StringComparison.Ordinal))
            {
                problems.Add($"{name} is an executable");
            }
            else if (!KnownTypes.Contains(TypeOf(name)))
            {
                problems.Add($"{name} is a {TypeOf(name)}, which not every deployment tool knows");
            }

            foreach (var text in Strings(resource))
            {
                foreach (Match reference in ReferencePattern().Matches(text))
                {
                    if (Unresolved(reference.Groups[1].Value, reference.Groups[2].Value) is { } why)
                    {
                        problems.Add($"{name}: {reference.Value} {why}");
                    }
                }
            }
        }

        return problems;
    }

    /// <summary>
    /// The secret-looking environment variables (passwords, tokens, keys) whose value is not exactly a reference to a secret
    /// parameter's value or to a connection string (which carries its password by reference).
    /// </summary>
    public List<string> SecretsNotAsParameters()
    {
        var problems = new List<string>();
        foreach (var name in Resources.Keys)
        {
            foreach (var (variable, value) in Environment(name).Where(v => LooksSecret(v.Key)))
            {
                var reference = ReferencePattern().Match(value);
                var ok = reference.Success && reference.Value == value && reference.Groups[2].Value is "value" or "connectionString"
                    && Resources.TryGetValue(reference.Groups[1].Value, out var target)
                    && (reference.Groups[2].Value == "connectionString" || IsSecretParameter(target));
                if (!ok)
                {
                    problems.Add($"{name}: {variable}={value}");
                }
            }
        }

        return problems;
    }

    /// <summary>The resource types azd and Aspirate both deploy.</summary>
    private static readonly HashSet<string> KnownTypes = ["project.v0", "project.v1", "container.v0", "container.v1", "parameter.v0", "value.v0"];

    private static bool IsSecretParameter(JsonElement resource) =>
        resource.GetProperty("type").GetString() == "parameter.v0"
        && resource.GetProperty("inputs").GetProperty("value").TryGetProperty("secret", out var secret) && secret.GetBoolean();

    private static bool LooksSecret(string variable)
    {
        var parts = variable.Split("__");
        var last = parts[^1];
        return last is "Key" or "ApiKey" or "Password" or "Token" or "Secret"
            || (parts.Length > 1 && parts[^2] == "ApiKeys")
            || last.EndsWith("_PASSWORD", StringComparison.Ordinal) || last.EndsWith("_TOKEN", StringComparison.Ordinal)
            || last.EndsWith("_KEY", StringComparison.Ordinal) || last.EndsWith("_SECRET", StringComparison.Ordinal);
    }

    /// <summary>Why <c>{resource.path}</c> does not resolve, or null when it does.</summary>
    private string? Unresolved(string resourceName, string path)
    {
        if (!Resources.TryGetValue(resourceName, out var resource))
        {
            return "names no resource in the manifest";
        }

        var parts = path.Split('.');
        switch (parts)
        {
            case ["connectionString"] or ["value"]:
                return resource.TryGetProperty(parts[0], out _) ? null : $"but {resourceName} has no {parts[0]}";
            case ["inputs", var input, ..]:
                return resource.TryGetProperty("inputs", out var inputs) && inputs.TryGetProperty(input, out _) ? null : $"but {resourceName} has no input {input}";
            case ["bindings", var binding, var property]:
                if (!resource.TryGetProperty("bindings", out var bindings) || !bindings.TryGetProperty(binding, out _))
                {
                    return $"but {resourceName} has no binding {binding}";
                }

                return property is "url" or "host" or "port" or "targetPort" or "scheme" or "tlsEnabled" ? null : $"asks for an unknown binding property {property}";
            default:
                return "is not a reference a deployment tool knows";
        }
    }

    private static IEnumerable<string> Strings(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => [element.GetString()!],
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Strings(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Strings),
        _ => [],
    };

    [GeneratedRegex(@"\{([A-Za-z0-9-]+)\.([A-Za-z0-9.-]+)\}")]
    private static partial Regex ReferencePattern();
}
