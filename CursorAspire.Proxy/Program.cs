using CursorAspire.Proxy;

ProxyApplication.Build(args).Run();
