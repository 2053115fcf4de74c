namespace Luffy.AlipaySandbox;

/// <summary>Runs the sandbox gateway alone: <c>dotnet run --project src/Luffy.AlipaySandbox</c>.</summary>
public sealed class Program
{
    public static async Task Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var options = builder.Configuration.GetSection(SandboxOptions.Section).Get<SandboxOptions>() ?? new();
        builder.Services.AddAlipaySandbox(options);
        var app = builder.Build();
        app.MapAlipaySandbox();
        app.Logger.LogInformation("Alipay sandbox: gateway at /gateway.do, app id {AppId}, keys in {Keys}", options.AppId, Path.GetFullPath(options.KeysDirectory));
        _ = app.Services.GetRequiredService<SandboxKeys>();
        await app.RunAsync();
    }
}
