using Luffy.Bench;

// The benchmark's driver: makes the data (setup) and runs the checkout funnel (funnel).
return args switch
{
    ["setup", var baseUrl, var users, var courses, var expire, var tokensFile] =>
        await Setup.RunAsync(baseUrl, int.Parse(users, Inv), courses.Split(',').Select(c => int.Parse(c, Inv)).ToArray(), int.Parse(expire, Inv), tokensFile),
    ["funnel", var baseUrl, var sandboxUrl, var tokensFile, var workers, var seconds, var courses] =>
        await Funnel.RunAsync(baseUrl, sandboxUrl, tokensFile, int.Parse(workers, Inv), int.Parse(seconds, Inv), courses.Split(',').Select(c => int.Parse(c, Inv)).ToArray()),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Luffy.Bench setup <base-url> <users> <course-ids> <expire-days> <tokens-file>");
    Console.Error.WriteLine("       Luffy.Bench funnel <base-url> <sandbox-url> <tokens-file> <workers> <seconds> <course-ids>");
    return 2;
}

internal static partial class Program
{
    internal static readonly System.Globalization.CultureInfo Inv = System.Globalization.CultureInfo.InvariantCulture;
}
