namespace McpAspire.JenkinsMock.Model;

/// <summary>hudson.model.Result names, as the API writes them.</summary>
public static class BuildResult
{
    public const string Success = "SUCCESS";
    public const string Unstable = "UNSTABLE";
    public const string Failure = "FAILURE";
    public const string NotBuilt = "NOT_BUILT";
    public const string Aborted = "ABORTED";

    /// <summary>The ball colour of a finished build (BallColor), without the <c>_anime</c> suffix.</summary>
    public static string Color(string? result) => result switch
    {
        Success => "blue",
        Unstable => "yellow",
        Failure => "red",
        Aborted => "aborted",
        _ => "notbuilt",
    };
}
