namespace CursorAspire.AppHost.Tests.Infrastructure;

/// <summary>
/// Tests that start Aspire (DCP, processes) run one at a time: the build machine has two cores shared with others,
/// and parallel orchestrators only make each other slow enough to time out.
/// </summary>
[CollectionDefinition(Name)]
public sealed class AspireRunsCollection
{
    public const string Name = "Aspire runs";
}
