using System.Diagnostics;

namespace McpAspire.TokenTooling.Tests;

/// <summary>The outcome of one run of get_fresh_token.sh.</summary>
public sealed record ScriptRun(int ExitCode, string Stdout, string Stderr)
{
    public string Output => Stdout + Stderr;

    /// <summary>The lines a person sees on the terminal, without blank ones.</summary>
    public IReadOnlyList<string> StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>
/// get_fresh_token.sh run the way a user runs it, in a home directory of its own: nothing read from or
/// written to the real user's configuration, every file it makes inspectable by the test.
/// </summary>
public sealed class TokenScript : IDisposable
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(2);

    private static readonly string[] RecordedTools = ["curl", "jq", "openssl"];

    public TokenScript()
    {
        Home = Directory.CreateTempSubdirectory("get_fresh_token-home-").FullName;
    }

    /// <summary>
    /// Every command line the script gave curl, jq and openssl, one per line: what <c>ps</c> shows other users
    /// of the machine while it runs. Recorded by shims put first on the PATH (see <see cref="RecordCommandLines"/>).
    /// </summary>
    public string CommandLineLog => System.IO.Path.Combine(Home, "command-lines.log");

    private string? ShimDirectory { get; set; }

    /// <summary>From now on the script's curl, jq and openssl go through shims that log their arguments, then run the real tool.</summary>
    public void RecordCommandLines()
    {
        ShimDirectory = Directory.CreateDirectory(System.IO.Path.Combine(Home, "shims")).FullName;
        foreach (var tool in RecordedTools)
        {
            var real = FindOnPath(tool);
            var shim = System.IO.Path.Combine(ShimDirectory, tool);
            File.WriteAllText(shim, $"#!/bin/bash\nprintf '%s ' {tool} \"$@\" >>'{CommandLineLog}'\nprintf '\\n' >>'{CommandLineLog}'\nexec '{real}' \"$@\"\n");
            File.SetUnixFileMode(shim, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>The script, at the repository root.</summary>
    public static string Path { get; } = FindScript();

    public string Home { get; }

    /// <summary>The default token file for this home (XDG_CONFIG_HOME is this home's .config).</summary>
    public string TokenFile => System.IO.Path.Combine(Home, ".config", "mcpaspire", "token.json");

    /// <summary>Runs the script with <paramref name="arguments"/> and the given environment (credentials go only there).</summary>
    public async Task<ScriptRun> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Home,
        };
        start.ArgumentList.Add(Path);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Only what the script needs: no inherited MCPASPIRE_* settings, no display to open a browser on.
        start.Environment.Clear();
        start.Environment["PATH"] = ShimDirectory is null
            ? Environment.GetEnvironmentVariable("PATH")
            : ShimDirectory + System.IO.Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        start.Environment["HOME"] = Home;
        start.Environment["XDG_CONFIG_HOME"] = System.IO.Path.Combine(Home, ".config");
        start.Environment["TMPDIR"] = System.IO.Path.GetTempPath();
        start.Environment["LANG"] = "C.UTF-8";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start.");
        process.StandardInput.Close(); // no terminal: the script must never wait for input here
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(RunTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"get_fresh_token.sh {string.Join(' ', arguments)} did not finish within {RunTimeout}.");
        }

        return new ScriptRun(process.ExitCode, await stdout, await stderr);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Home, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary directory is harmless; the test's outcome matters more.
        }
    }

    private static string FindOnPath(string tool)
        => (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => System.IO.Path.Combine(directory, tool))
            .FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"{tool} is not on the PATH; get_fresh_token.sh needs it.");

    private static string FindScript()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = System.IO.Path.Combine(directory.FullName, "get_fresh_token.sh");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("get_fresh_token.sh was not found in any parent directory of the test assembly.");
    }
}
