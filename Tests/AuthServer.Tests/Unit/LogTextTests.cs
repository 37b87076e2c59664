namespace McpAspire.AuthServer.Tests.Unit;

public sealed class LogTextTests
{
    [Fact]
    public void Line_breaks_and_invisible_characters_are_escaped_so_no_log_line_can_be_forged()
        => Assert.Equal("admin\\u000d\\u000aINFO forged\\u202e\\u200b", Microsoft.Extensions.Hosting.LogText.Safe("admin\r\nINFO forged\u202e\u200b"));

    [Fact]
    public void Long_values_are_cut_and_say_how_long_they_were()
    {
        var safe = Microsoft.Extensions.Hosting.LogText.Safe(new string('x', 2_000_000));

        Assert.Equal(new string('x', 128) + "…(2000000 chars)", safe);
    }
}
