using FaceAttr.Daemon;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

// faceattrd: options from appsettings.json, FACEATTR__* environment variables and --FaceAttr:Key=value.
var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddSystemd();
builder.Services.AddOptions<DaemonOptions>().Bind(builder.Configuration.GetSection(DaemonOptions.Section));
builder.Services.AddSingleton<IEventSink, ConsoleEventSink>();
builder.Services.AddSingleton<PipelineStats>();
builder.Services.AddSingleton<FaceAttr.Capture.ICaptureLog, CaptureLogAdapter>();
builder.Services.AddHostedService<PipelineWorker>();

using var host = builder.Build();
try
{
    var options = host.Services.GetRequiredService<IOptions<DaemonOptions>>().Value;
    options.Validate();
    DaemonPaths.ResolveBundle(options);
}
catch (Exception ex) when (ex is OptionsException or InvalidOperationException)
{
    // A bad value names its key; the binder's own conversion errors arrive as InvalidOperationException.
    Console.Error.WriteLine($"faceattrd: configuration error: {ex.Message}");
    return 2;
}

await host.RunAsync().ConfigureAwait(false);
return 0;
