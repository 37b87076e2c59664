using System.Runtime.Versioning;

// Each test class starts a whole AppHost; two at once would fight over the machine's two cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

// The script under test is bash, and the token file's protection is a Unix file mode.
[assembly: UnsupportedOSPlatform("windows")]
