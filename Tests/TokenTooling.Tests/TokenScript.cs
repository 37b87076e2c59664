using System.Diagnostics;
using System.Text.RegularExpressions;

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
public sealed partial class TokenScript : IDisposable
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
        foreach (var tool in RecordedTools)
        {
            var real = FindOnPath(tool);
            WriteShim(tool, $"#!/bin/bash\nprintf '%s ' {tool} \"$@\" >>'{CommandLineLog}'\nprintf '\\n' >>'{CommandLineLog}'\nexec '{real}' \"$@\"\n");
        }
    }

    /// <summary>Every address the script asked the desktop to open (xdg-open), one per line. See <see cref="RecordBrowserOpens"/>.</summary>
    public string OpenedLog => System.IO.Path.Combine(Home, "opened.log");

    /// <summary>
    /// From now on xdg-open is a shim that only writes down what it was asked to open. The script opens the
    /// authorization URL only when there is a display, so give the run a DISPLAY too.
    /// </summary>
    public void RecordBrowserOpens() => WriteShim("xdg-open", $"#!/bin/bash\nprintf '%s\\n' \"$*\" >>'{OpenedLog}'\n");

    private void WriteShim(string tool, string content)
    {
        ShimDirectory ??= Directory.CreateDirectory(System.IO.Path.Combine(Home, "shims")).FullName;
        var shim = System.IO.Path.Combine(ShimDirectory, tool);
        File.WriteAllText(shim, content);
        File.SetUnixFileMode(shim, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>The script, at the repository root.</summary>
    public static string Path { get; } = FindScript();

    public string Home { get; }

    /// <summary>The default token file for this home (XDG_CONFIG_HOME is this home's .config).</summary>
    public string TokenFile => System.IO.Path.Combine(Home, ".config", "mcpaspire", "token.json");

    /// <summary>Runs the script with <paramref name="arguments"/> and the given environment (credentials go only there).</summary>
    public async Task<ScriptRun> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        var start = StartInfo("bash", environment);
        start.ArgumentList.Add(Path);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start.");
        process.StandardInput.Close(); // no terminal: the script must never wait for input here
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await WaitForExitAsync(process, arguments);
        return new ScriptRun(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// Runs the script on a terminal (util-linux <c>script</c> provides one), as a person would: when it asks
    /// for the address the browser ended on, <paramref name="browser"/> plays the browser's part with the
    /// authorization URL the script printed, and its answer is typed in. Terminal output is all in Stdout.
    /// </summary>
    public async Task<ScriptRun> RunInteractiveAsync(
        IReadOnlyDictionary<string, string?> environment, Func<Uri, Task<Uri>> browser, params string[] arguments)
    {
        var start = StartInfo("script", environment);
        start.Environment["SHELL"] = "/bin/bash";
        start.Environment["GET_FRESH_TOKEN"] = Path;
        start.ArgumentList.Add("--quiet");
        start.ArgumentList.Add("--return");
        start.ArgumentList.Add("--command");
        start.ArgumentList.Add("exec bash \"$GET_FRESH_TOKEN\" " + string.Join(' ', arguments.Select(ShellQuote)));
        start.ArgumentList.Add("/dev/null");

        using var process = Process.Start(start) ?? throw new InvalidOperationException("script did not start.");
        var terminal = new StringBuilder();
        var stderr = process.StandardError.ReadToEndAsync();
        var reading = ReadTerminalAsync(process.StandardOutput, terminal);
        using (var prompt = new CancellationTokenSource(RunTimeout))
        {
            while (!Contains(terminal, "Address: "))
            {
                if (process.HasExited || reading.IsCompleted)
                {
                    // The terminal can close a moment before the process is reaped, and its exit code exists only then.
                    await WaitForExitAsync(process, arguments);
                    await reading;
                    return new ScriptRun(process.ExitCode, terminal.ToString(), await stderr);
                }

                await Task.Delay(50, prompt.Token); // polling the terminal transcript: no event exists for "text appeared"
            }
        }

        var authorizationUrl = AuthorizationUrl().Match(Snapshot(terminal)).Groups["url"].Value;
        var endedOn = await browser(new Uri(authorizationUrl));
        await process.StandardInput.WriteLineAsync(endedOn.AbsoluteUri);
        await process.StandardInput.FlushAsync();
        await WaitForExitAsync(process, arguments);
        await reading;
        return new ScriptRun(process.ExitCode, Snapshot(terminal), await stderr);
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

    // Only what the script needs: no inherited MCPASPIRE_* settings, no display to open a browser on.
    private ProcessStartInfo StartInfo(string program, IReadOnlyDictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Home,
        };
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

        return start;
    }

    private static async Task WaitForExitAsync(Process process, string[] arguments)
    {
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
    }

    private static async Task ReadTerminalAsync(StreamReader output, StringBuilder transcript)
    {
        var buffer = new char[1024];
        int read;
        while ((read = await output.ReadAsync(buffer)) > 0)
        {
            lock (transcript)
            {
                transcript.Append(buffer, 0, read);
            }
        }
    }

    private static string Snapshot(StringBuilder transcript)
    {
        lock (transcript)
        {
            return transcript.ToString().Replace("\r\n", "\n", StringComparison.Ordinal);
        }
    }

    private static bool Contains(StringBuilder transcript, string text) => Snapshot(transcript).Contains(text, StringComparison.Ordinal);

    private static string ShellQuote(string argument) => "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    // The address on the line after the invitation, whatever its scheme (a hostile one must be seen if it is offered).
    [GeneratedRegex(@"Open this address in your browser[^\n]*\n\s*(?<url>\S+)")]
    private static partial Regex AuthorizationUrl();

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
