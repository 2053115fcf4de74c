namespace Luffy.Web.Admin;

/// <summary>
/// <c>dotnet Luffy.Web.dll admin create NAME</c>: makes an admin account on the configured database and exits. Production
/// has no default admin; this makes the first. The password is read from standard input: typed without echo at a
/// terminal (twice), or the first line of a pipe (<c>echo "$PASSWORD" | dotnet Luffy.Web.dll admin create NAME</c>).
/// </summary>
public static class AdminCommand
{
    /// <summary>True when the arguments ask for an admin command rather than the web server.</summary>
    public static bool IsAdminCommand(string[] args) => args.Length > 0 && args[0] == "admin";

    /// <summary>Runs the command on the started-up (migrated) app; the process's exit code.</summary>
    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        if (args is not ["admin", "create", var username])
        {
            await Console.Error.WriteLineAsync("用法：dotnet Luffy.Web.dll admin create 用户名   （密码从标准输入读取）");
            return 2;
        }
        var password = ReadPassword();
        if (password is null)
        {
            await Console.Error.WriteLineAsync("没有读到密码（标准输入为空，或两次输入不一致）");
            return 1;
        }
        await using var scope = app.Services.CreateAsyncScope();
        var (admin, refusal) = await scope.ServiceProvider.GetRequiredService<AdminAccounts>().CreateAsync(null, username, password, null);
        if (refusal is not null)
        {
            await Console.Error.WriteLineAsync($"未创建：{refusal.Message}");
            return 1;
        }
        Console.WriteLine($"已创建管理员 {admin!.Username}（ID {admin.Id}）");
        return 0;
    }

    private static string? ReadPassword()
    {
        if (Console.IsInputRedirected)
            return Console.In.ReadLine() is { Length: > 0 } line ? line : null;
        var first = Prompt("密码：");
        var second = Prompt("再次输入密码：");
        return first.Length > 0 && first == second ? first : null;
    }

    private static string Prompt(string label)
    {
        Console.Write(label);
        var text = new System.Text.StringBuilder();
        for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
        {
            if (key.Key == ConsoleKey.Backspace && text.Length > 0)
                text.Length--;
            else if (!char.IsControl(key.KeyChar))
                text.Append(key.KeyChar);
        }
        Console.WriteLine();
        return text.ToString();
    }
}
