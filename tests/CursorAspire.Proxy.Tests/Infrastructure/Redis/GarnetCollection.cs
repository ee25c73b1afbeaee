namespace CursorAspire.Proxy.Tests.Infrastructure.Redis;

/// <summary>
/// One Garnet server shared by every test class marked <c>[Collection(GarnetCollection.Name)]</c> (those classes then run
/// one after another). Classes that want their own server use <c>IClassFixture&lt;GarnetServerFixture&gt;</c>; tests that
/// stop the server create one with <see cref="GarnetServerFixture.StartNew"/>.
/// </summary>
[CollectionDefinition(Name)]
public sealed class GarnetCollection : ICollectionFixture<GarnetServerFixture>
{
    /// <summary>The collection name.</summary>
    public const string Name = "Garnet";
}
