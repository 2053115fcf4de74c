using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text;
using Luffy.Infrastructure;
using Luffy.Infrastructure.Cart;
using Luffy.Infrastructure.Redis;
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
    public async Task Every_acknowledged_cart_write_survives_kill_9_and_repeated_restarts_on_the_same_directory()
    {
        // Each round: a burst of cart writes through the app's Garnet (the app's own scripts, pipelined as the app's
        // requests are), SIGKILL the moment the last one is acknowledged, start again on the same directory and read
        // back everything ever acknowledged. Without Garnet's commit wait, the last writes of a burst were answered
        // before they were in the append-only file and a kill lost them. Beside the carts, 10 MB of bulky hashes
        // rewritten every round, so that each restart replays tens of megabytes of hash writes: with Garnet's
        // storage tier (and 8 MB of memory) one run of this test in six died in such a replay, Garnet writing a hash to disk
        // while the replay changed it (EmbeddedGarnet.Arguments).
        const int rounds = 8, users = 200, coursesPerRound = 5, bulky = 2500;
        var filler = new string('x', 4000);
        var keys = new RedisKeys("luffy:");
        var acknowledged = new Dictionary<(int User, int Course), int>();
        for (var round = 0; round <= rounds; round++)
        {
            using var app = await AppProcess.StartAsync(_directory);
            await using var redis = await app.RedisAsync();
            var cart = new CartStore(redis, keys);

            var lost = new List<string>();
            foreach (var user in acknowledged.Keys.Select(k => k.User).Distinct())
            {
                var items = (await cart.GetAsync(user)).ToDictionary(i => i.CourseId, i => i.ExpireTime);
                lost.AddRange(acknowledged.Where(a => a.Key.User == user && items.GetValueOrDefault(a.Key.Course, -1) != a.Value)
                    .Select(a => $"user {a.Key.User} course {a.Key.Course}: {a.Value} acknowledged, {items.GetValueOrDefault(a.Key.Course, -1)} read"));
            }
            if (round > 0)
                for (var i = 0; i < bulky; i++)
                    if (await redis.GetDatabase().HashGetAsync($"test:bulky_{i}", "round") != round)
                        lost.Add($"bulky {i}: round {round} acknowledged, {await redis.GetDatabase().HashGetAsync($"test:bulky_{i}", "round")} read");
            Assert.True(lost.Count == 0, $"after {round} kills, {lost.Count} acknowledged writes are lost: {string.Join("; ", lost.Take(10))}");
            if (round == rounds)
                break;

            // Every round changes the validity of the courses already carted and adds new ones.
            var writes = Enumerable.Range(1, users)
                .SelectMany(user => Enumerable.Range(1, (round + 1) * coursesPerRound).Select(course => (user, course)))
                .Where(w => w.course > round * coursesPerRound || w.course % 3 == round % 3)
                .Select(async w =>
                {
                    Assert.NotEqual(CartAddResult.Full, await cart.AddAsync(w.user, w.course, round + 1));
                    return w;
                })
                .ToList();
            var bulk = Enumerable.Range(0, bulky)
                .Select(i => redis.GetDatabase().HashSetAsync($"test:bulky_{i}", [new("round", round + 1), new("filler", filler)])).ToList();
            foreach (var write in await Task.WhenAll(writes))
                acknowledged[write] = round + 1;
            await Task.WhenAll(bulk);
            app.Kill();
        }
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
        var redisCheck = health.GetProperty("checks").GetProperty("redis");
        Assert.Equal("Healthy", redisCheck.GetProperty("status").GetString());
        Assert.Matches(@"embedded Garnet holds \d+\.\d of 256 MB", redisCheck.GetProperty("description").GetString());
    }

    private static readonly string[] SecretFiles = ["luffy.db", "luffy.db-wal", "luffy.db-shm", "jwt-signing.key", "garnet/password",
        "keys/app_private_key.pem", "keys/app_public_key.pem", "keys/alipay_private_key.pem", "keys/alipay_public_key.pem"];

    private static readonly string[] SecretDirectories = ["keys", "dataprotection", "garnet"];

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task The_secrets_of_a_new_data_directory_are_the_owners_only_and_a_start_tightens_looser_ones()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes");
        using (var app = await AppProcess.StartAsync(_directory))
        {
            await SignUpAsync(app);
            AssertOwnerOnly();
            app.Kill();
        }

        foreach (var file in SecretFiles.Concat(DataProtectionKeys()))
            File.SetUnixFileMode(Path.Combine(_directory, file), (UnixFileMode)Convert.ToInt32("644", 8));
        foreach (var directory in SecretDirectories)
            File.SetUnixFileMode(Path.Combine(_directory, directory), (UnixFileMode)Convert.ToInt32("755", 8));

        using (var app = await AppProcess.StartAsync(_directory))
        {
            await SignUpAsync(app);
            AssertOwnerOnly();
        }
    }

    /// <summary>A sign-up and a login: the JWT key is made at the first login, and the pooled connection left open keeps the database's -wal and -shm.</summary>
    private static async Task SignUpAsync(AppProcess app)
    {
        using var http = app.Http();
        var username = $"u{Guid.NewGuid():N}"[..20];
        Assert.Equal(HttpStatusCode.Created, (await http.PostAsJsonAsync("/users/register/", new { username, password = "secret123" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsJsonAsync("/users/login/", new { username, password = "secret123" })).StatusCode);
    }

    private IEnumerable<string> DataProtectionKeys() =>
        Directory.EnumerateFiles(Path.Combine(_directory, "dataprotection"), "*.xml").Select(f => Path.GetRelativePath(_directory, f));

    [UnsupportedOSPlatform("windows")]
    private void AssertOwnerOnly()
    {
        var keys = DataProtectionKeys().ToList();
        Assert.NotEmpty(keys);
        foreach (var file in SecretFiles.Concat(keys))
            Assert.True(File.GetUnixFileMode(Path.Combine(_directory, file)) == OwnerOnly.FilePermissions,
                $"{file} is {File.GetUnixFileMode(Path.Combine(_directory, file))}");
        foreach (var directory in SecretDirectories)
            Assert.True(File.GetUnixFileMode(Path.Combine(_directory, directory)) == OwnerOnly.DirectoryPermissions,
                $"{directory}/ is {File.GetUnixFileMode(Path.Combine(_directory, directory))}");
    }

    [Fact]
    public async Task A_first_start_logs_no_warning()
    {
        using var app = await AppProcess.StartAsync(_directory, seedDemoData: true);
        using var http = app.Http();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/user/login")).StatusCode);

        Assert.True(app.Warnings.Count == 0, string.Join('\n', app.Warnings));
    }
}
