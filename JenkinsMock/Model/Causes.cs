namespace McpAspire.JenkinsMock.Model;

/// <summary>Why a build started (hudson.model.Cause and its kinds).</summary>
public sealed record Cause(string JenkinsClass, string ShortDescription, string? UserId = null, string? UserName = null) : IExportable
{
    public static Cause User(string userId) => new("hudson.model.Cause$UserIdCause", $"Started by user {userId}", userId, userId);

    public static readonly Cause Timer = new("hudson.triggers.TimerTrigger$TimerTriggerCause", "Started by timer");

    public static readonly Cause ScmChange = new("hudson.triggers.SCMTrigger$SCMTriggerCause", "Started by an SCM change");

    public IEnumerable<Exported> Export(ExportContext context)
    {
        yield return new("shortDescription", ShortDescription, Visibility: 3);
        if (UserId is not null)
        {
            yield return new("userId", UserId, Visibility: 3);
            yield return new("userName", UserName, Visibility: 3);
        }
    }
}

/// <summary>hudson.model.CauseAction.</summary>
public sealed class CauseAction(IReadOnlyList<Cause> causes) : IExportable
{
    public string JenkinsClass => "hudson.model.CauseAction";

    public IEnumerable<Exported> Export(ExportContext context) => [new("causes", causes, Visibility: 2)];
}
