using BenchmarkDotNet.Running;

// Usage (Release only): dotnet run -c Release --project bench/CursorAspire.Benchmarks -- --job short --filter '*'
// See bench/README.md for the commands and the numbers measured.
BenchmarkSwitcher.FromAssembly(typeof(CursorAspire.Benchmarks.ChunkWriterBenchmarks).Assembly).Run(args);
