var builder = DistributedApplication.CreateBuilder(args);
builder.AddProject<Projects.CursorAspire_Proxy>("proxy");
builder.Build().Run();
