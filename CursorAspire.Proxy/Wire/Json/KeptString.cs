namespace CursorAspire.Proxy.Wire.Json;

/// <summary>
/// A string read from one JSON document after another, kept: the same object while the reader's text stays the same.
/// An answer's id and model repeat in every chunk or line of a stream, so a stream allocates each once.
/// </summary>
internal struct KeptString
{
    private string? _kept;

    /// <summary>The string the reader is on: the kept one when its text is the same, else a new one, kept from now on.</summary>
    public string Read(ref Utf8JsonReader reader)
    {
        if (_kept is null || !reader.ValueTextEquals(_kept))
        {
            _kept = reader.GetString()!;
        }
        return _kept;
    }
}
