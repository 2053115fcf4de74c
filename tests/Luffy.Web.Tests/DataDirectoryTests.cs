using System.Net.Sockets;
using System.Text;
using Luffy.Web.Tests.Infrastructure;

namespace Luffy.Web.Tests;

/// <summary>
/// The embedded default's data directory as a user has it: the app in its own process (<see cref="AppProcess"/>),
/// started, killed and started again on the same directory.
/// </summary>
public sealed class DataDirectoryTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "luffy-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Garnet_refuses_a_connection_without_the_password_while_the_app_uses_it()
    {
        using var app = await AppProcess.StartAsync(_directory);

        using var socket = new TcpClient();
        await socket.ConnectAsync(System.Net.IPEndPoint.Parse(app.GarnetEndpoint));
        var stream = socket.GetStream();
        await stream.WriteAsync("*3\r\n$4\r\nHSET\r\n$6\r\nstolen\r\n$1\r\n1\r\n"u8.ToArray());
        var buffer = new byte[256];
        var reply = Encoding.ASCII.GetString(buffer, 0, await stream.ReadAsync(buffer));
        Assert.StartsWith("-NOAUTH", reply);

        using var http = app.Http();
        var health = await (await http.GetAsync("/health")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Healthy", health.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString());
    }
}
