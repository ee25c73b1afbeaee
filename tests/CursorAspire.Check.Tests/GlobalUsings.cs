// The namespaces most of this project's files use, once.
global using Xunit;
global using CursorAspire.Check.Tests.Infrastructure;
