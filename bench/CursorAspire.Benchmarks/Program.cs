using BenchmarkDotNet.Running;
using CursorAspire.Benchmarks;

// Usage (Release only): dotnet run -c Release --project bench/CursorAspire.Benchmarks -- --job short --filter '*'
//                       dotnet run -c Release --project bench/CursorAspire.Benchmarks -- alloc-types
// See bench/README.md for the commands and the numbers measured.
if (args is ["alloc-types"])
{
    return AllocationSampler.Run(Console.Out);
}
BenchmarkSwitcher.FromAssembly(typeof(ChunkWriterBenchmarks).Assembly).Run(args);
return 0;
