using System.Runtime.Versioning;

// The tests that sign in share one running system, and one of them stops its auth server for a while: they are one
// collection (DistributedApplicationFixture.Collection), so they run one after another. The hostile-server tests need
// no AppHost (their own servers on loopback) and run beside that collection.

// The script under test is bash, and the token file's protection is a Unix file mode.
[assembly: UnsupportedOSPlatform("windows")]
