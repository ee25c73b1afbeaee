namespace CursorAspire.Tunnel;
internal static class Placeholder { }
