using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.Data.Sqlite;

namespace Luffy.Web.Tests;

/// <summary>
/// The embedded default killed with SIGKILL while it places orders and writes carts, then started again on the same
/// data directory, three times: what it acknowledged is there, and the money adds up.
/// </summary>
public sealed class CrashTests
{
    /// <summary>The app as `dotnet run` builds it, in a process of its own so that the kill is real.</summary>
    private sealed class AppProcess : IDisposable
    {
        private readonly Process _process;

        public HttpClient Http { get; }

        private AppProcess(Process process, int port)
        {
            _process = process;
            Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        }

        public static async Task<AppProcess> StartAsync(string dataDirectory)
        {
            var port = FreePort();
            var start = new ProcessStartInfo("dotnet", [AppDll()])
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
                WorkingDirectory = dataDirectory,
            };
            start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
            start.Environment["Luffy__DataDirectory"] = Path.Combine(dataDirectory, "data");
            start.Environment["Logging__LogLevel__Default"] = "Warning";
            var process = Process.Start(start)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var app = new AppProcess(process, port);
            for (var i = 0; i < 300; i++)
            {
                try
                {
                    if ((await app.Http.GetAsync("/health")).IsSuccessStatusCode)
                        return app;
                }
                catch (HttpRequestException)
                {
                }
                Assert.False(process.HasExited, "the app exited during its start");
                await Task.Delay(200);
            }
            app.Kill();
            throw new TimeoutException("the app did not answer /health within a minute");
        }

        public void Kill()
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);   // SIGKILL: no shutdown code runs
            _process.WaitForExit();
        }

        public void Dispose()
        {
            Kill();
            _process.Dispose();
            Http.Dispose();
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
            listener.Start();
            return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }

        private static string AppDll()
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Luffy.slnx")))
                directory = directory.Parent;
            Assert.NotNull(directory);
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
            var dll = Path.Combine(directory.FullName, "src", "Luffy.Web", "bin", configuration, "net10.0", "Luffy.Web.dll");
            Assert.True(File.Exists(dll), $"{dll} is not built");
            return dll;
        }
    }

    private static async Task<HttpClient> LoginAsync(AppProcess app, string username, string password)
    {
        var login = await (await app.Http.PostAsJsonAsync("/users/login/", new { username, password })).Content.ReadFromJsonAsync<JsonElement>();
        var client = new HttpClient { BaseAddress = app.Http.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("jwt", login.GetProperty("token").GetString());
        return client;
    }

    [Fact]
    public async Task Killed_during_orders_and_cart_writes_it_keeps_every_acknowledged_write_and_the_money_adds_up()
    {
        var root = Path.Combine(Path.GetTempPath(), "luffy-tests", "crash-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var acknowledgedOrders = new ConcurrentDictionary<string, int>();   // order number → status the app answered with
        // → the expire_time last acknowledged, and any sent after it whose answer the kill cut off (applied or not: both right).
        var acknowledgedCarts = new ConcurrentDictionary<(string User, int Course), HashSet<int>>();
        var shoppers = new List<string>();
        try
        {
            int[] courses;
            using (var first = await AppProcess.StartAsync(root))
            {
                var catalog = await first.Http.GetFromJsonAsync<JsonElement>("/courses/?size=50");
                courses = catalog.GetProperty("results").EnumerateArray().Select(c => c.GetProperty("id").GetInt32()).ToArray();
                for (var i = 0; i < 4; i++)
                {
                    var name = $"shopper{i}_{Guid.NewGuid().ToString("N")[..6]}";
                    Assert.Equal(HttpStatusCode.Created, (await first.Http.PostAsJsonAsync("/users/register/", new { username = name, password = "secret123" })).StatusCode);
                    shoppers.Add(name);
                }
            }

            for (var round = 0; round < 3; round++)
            {
                using var app = await AppProcess.StartAsync(root);
                var demo = await LoginAsync(app, "demo", "demo1234");
                var clients = new List<(string Name, HttpClient Http)>();
                foreach (var name in shoppers)
                    clients.Add((name, await LoginAsync(app, name, "secret123")));
                using var stop = new CancellationTokenSource();

                // The demo student orders with credits and its coupons, and cancels every other order; two loops race.
                async Task OrderLoopAsync(int seed)
                {
                    var random = new Random(seed);
                    for (var n = 0; !stop.IsCancellationRequested && n < 500; n++)
                    {
                        try
                        {
                            await demo.PostAsJsonAsync("/cart/", new { course_id = courses[random.Next(courses.Length)], expire_time = 0 }, stop.Token);
                            var coupons = await demo.GetFromJsonAsync<JsonElement>("/coupon/list/", stop.Token);
                            var coupon = coupons.GetArrayLength() > 0 && random.Next(2) == 0 ? coupons[0].GetProperty("id").GetInt32() : 0;
                            var placed = await demo.PostAsJsonAsync("/orders/", new { pay_type = 1, coupon, credit = random.Next(3) * 10 }, stop.Token);
                            if (placed.StatusCode != HttpStatusCode.Created)
                                continue;
                            var body = await placed.Content.ReadFromJsonAsync<JsonElement>(stop.Token);
                            var number = body.GetProperty("order").GetString()!;
                            acknowledgedOrders[number] = body.GetProperty("order_status").GetInt32();
                            if (random.Next(2) == 0 && (await demo.PostAsync($"/orders/{number}/cancel/", null, stop.Token)).StatusCode == HttpStatusCode.OK)
                                acknowledgedOrders[number] = 2;
                        }
                        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
                        {
                            return;
                        }
                    }
                }

                async Task CartLoopAsync(string name, HttpClient http, int seed)
                {
                    var random = new Random(seed);
                    for (var n = 0; !stop.IsCancellationRequested && n < 2000; n++)
                    {
                        var course = courses[random.Next(courses.Length)];
                        var expire = new[] { 0, 30, 90, 180 }[random.Next(4)];
                        try
                        {
                            acknowledgedCarts.GetValueOrDefault((name, course))?.Add(expire);
                            var response = await http.PostAsJsonAsync("/cart/", new { course_id = course, expire_time = expire }, stop.Token);
                            if (response.StatusCode == HttpStatusCode.OK)
                                acknowledgedCarts[(name, course)] = [expire];
                        }
                        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
                        {
                            return;
                        }
                    }
                }

                var load = new List<Task> { OrderLoopAsync(round * 10 + 1), OrderLoopAsync(round * 10 + 2) };
                load.AddRange(clients.Select((c, i) => CartLoopAsync(c.Name, c.Http, round * 10 + 3 + i)));
                await Task.Delay(TimeSpan.FromMilliseconds(1500 + Random.Shared.Next(1500)));
                app.Kill();
                await stop.CancelAsync();
                await Task.WhenAll(load);
            }

            // Every acknowledged cart write is there after a start on the same directory.
            using (var last = await AppProcess.StartAsync(root))
            {
                foreach (var name in shoppers)
                {
                    var http = await LoginAsync(last, name, "secret123");
                    var cart = await http.GetFromJsonAsync<JsonElement>("/cart/");
                    var items = cart.EnumerateArray().ToDictionary(i => i.GetProperty("course_id").GetInt32(), i => i.GetProperty("expire_time").GetInt32());
                    foreach (var ((user, course), expires) in acknowledgedCarts.Where(a => a.Key.User == name))
                    {
                        Assert.True(items.TryGetValue(course, out var kept), $"{user}'s cart lost course {course}");
                        Assert.Contains(kept, expires);
                    }
                }
            }

            Assert.NotEmpty(acknowledgedOrders);
            Assert.NotEmpty(acknowledgedCarts);
            await using var db = new SqliteConnection($"Data Source={Path.Combine(root, "data", "luffy.db")};Pooling=false");
            await db.OpenAsync();
            async Task<long> ScalarAsync(string sql)
            {
                await using var command = new SqliteCommand(sql, db);
                return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
            }
            foreach (var (number, status) in acknowledgedOrders)
            {
                var stored = await ScalarAsync($"SELECT coalesce(max(order_status), -1) FROM ly_order WHERE order_number = '{number}'");
                Assert.True(stored >= 0, $"acknowledged order {number} is gone");
                if (status == 2)
                    Assert.Equal(2, stored);
            }
            // No half-written order, the balance equals the ledger, coupons are held by live orders only.
            Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM ly_order o WHERE NOT EXISTS (SELECT 1 FROM ly_order_detail d WHERE d.order_id = o.id)"));
            Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM ly_user u WHERE u.credit <> (SELECT coalesce(sum(delta), 0) FROM ly_credit_entry e WHERE e.user_id = u.id)"));
            Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM ly_order o WHERE o.credit > 0 AND o.order_status IN (0, 1) AND NOT EXISTS (SELECT 1 FROM ly_credit_entry e WHERE e.order_number = o.order_number AND e.delta = -o.credit)"));
            Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM ly_user_coupon c WHERE c.is_use = 1 AND NOT EXISTS (SELECT 1 FROM ly_order o WHERE o.id = c.order_id AND o.order_status IN (0, 1) AND o.coupon = c.id)"));
            Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM ly_order o WHERE o.coupon <> 0 AND o.order_status IN (0, 1) AND NOT EXISTS (SELECT 1 FROM ly_user_coupon c WHERE c.id = o.coupon AND c.is_use = 1 AND c.order_id = o.id)"));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
