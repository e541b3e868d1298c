using FaceAttr.Daemon;
using FaceAttr.Messaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

// faceattrd: options from appsettings.json, --config files (board profile, /etc/faceattr/faceattrd.json),
// FACEATTR__* environment variables and --FaceAttr:Key=value (DaemonConfiguration).
// appsettings.json is read from beside the program, wherever it is started from.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
try
{
    DaemonConfiguration.AddConfigFiles(builder.Configuration, args);
}
catch (Exception ex) when (ex is OptionsException or InvalidDataException or FormatException)
{
    Console.Error.WriteLine($"faceattrd: configuration error: {ex.Message}");
    return 2;
}

builder.Services.AddSystemd();
builder.Services.AddOptions<DaemonOptions>().Bind(builder.Configuration.GetSection(DaemonOptions.Section));
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton(sp => MessagingSettings.From(builder.Configuration, sp.GetRequiredService<IOptions<DaemonOptions>>().Value));
builder.Services.AddSingleton(_ => TrackingSettings.From(builder.Configuration));
builder.Services.AddSingleton(_ => builder.Configuration.GetSection(UpdateOptions.Section).Get<UpdateOptions>() ?? new UpdateOptions());
builder.Services.AddSingleton<IMessagingLog, MessagingLogAdapter>();
builder.Services.AddSingleton<FaceAttr.Capture.ICaptureLog, CaptureLogAdapter>();
builder.Services.AddSingleton<PipelineStats>();
builder.Services.AddSingleton<ModelHost>();
builder.Services.AddSingleton(_ => new FaceAttr.Device.BoardSensors(FaceAttr.Device.BoardPaths.Default));
builder.Services.AddSingleton(_ => builder.Configuration.GetSection(FaceAttr.Device.DeviceOptions.Section).Get<FaceAttr.Device.DeviceOptions>() ?? new FaceAttr.Device.DeviceOptions());
builder.Services.AddSingleton<DeviceService>();
builder.Services.AddSingleton<StatsCollector>();
builder.Services.AddSingleton<PublisherService>();
builder.Services.AddSingleton<IEventSink>(sp => sp.GetRequiredService<PublisherService>());

// Hosted services start in this order and stop in reverse: the broker is up before anyone connects, the echo listens
// before the first event, the update service has chosen the model slot before the publisher announces it and the
// pipeline loads it, the publisher is running before the pipeline produces, and at shutdown the pipeline's final exits
// are flushed by the publisher before the echo and the broker go away.
builder.Services.AddHostedService<EmbeddedBrokerService>();
builder.Services.AddHostedService<EventEcho>();
builder.Services.AddSingleton<UpdateService>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<UpdateService>());
builder.Services.AddHostedService(sp => sp.GetRequiredService<PublisherService>());
builder.Services.AddHostedService<StatsHeartbeat>();
builder.Services.AddHostedService<SystemdWatchdog>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<DeviceService>());
builder.Services.AddHostedService<PipelineWorker>();

using var host = builder.Build();
try
{
    var options = host.Services.GetRequiredService<IOptions<DaemonOptions>>().Value;
    options.Validate();
    DaemonPaths.ResolveBundle(options);
    host.Services.GetRequiredService<MessagingSettings>();
    host.Services.GetRequiredService<FaceAttr.Tracking.TrackerOptions>();
    host.Services.GetRequiredService<UpdateOptions>().Validate();
    host.Services.GetRequiredService<FaceAttr.Device.DeviceOptions>().Validate();
}
catch (Exception ex) when (ex is OptionsException or MqttOptionsException or FaceAttr.Device.DeviceOptionsException or InvalidOperationException)
{
    // A bad value names its key; the binder's own conversion errors arrive as InvalidOperationException.
    Console.Error.WriteLine($"faceattrd: configuration error: {ex.Message}");
    return 2;
}

await host.RunAsync().ConfigureAwait(false);
return 0;
