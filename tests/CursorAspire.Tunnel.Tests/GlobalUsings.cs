// The namespaces most of this project's files use, once.
global using System.Net;
global using Aspire.Hosting;
global using Aspire.Hosting.ApplicationModel;
global using Aspire.Hosting.Testing;
global using CursorAspire.Tunnel.Install;
global using CursorAspire.Tunnel.Machine;
global using CursorAspire.Tunnel.Tests.Infrastructure;
global using Microsoft.Extensions.Diagnostics.HealthChecks;
global using Xunit;
