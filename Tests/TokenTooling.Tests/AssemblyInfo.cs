using System.Runtime.Versioning;

// The tests share one running system and one of them stops its auth server for a while: nothing may run beside it.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

// The script under test is bash, and the token file's protection is a Unix file mode.
[assembly: UnsupportedOSPlatform("windows")]
