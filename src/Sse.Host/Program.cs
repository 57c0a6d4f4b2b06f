using Sse.Host;

await SseHostApp.Build(args).RunAsync();
