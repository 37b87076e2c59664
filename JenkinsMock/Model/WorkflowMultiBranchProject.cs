namespace McpAspire.JenkinsMock.Model;

/// <summary>
/// org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject: a folder of one Pipeline per branch. The
/// branch-api plugin names each branch job with its branch name URL-encoded (NameEncoder: "feature/checkout" becomes
/// the item name "feature%2Fcheckout", its display name the branch name), so the job's URL, which encodes the name
/// again, reads <c>job/feature%252Fcheckout/</c>.
/// </summary>
public sealed class WorkflowMultiBranchProject(string name, IItemGroup parent) : Folder(name, parent)
{
    public override string JenkinsClass => "org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject";

    /// <summary>A branch job named as branch-api names it, shown with the branch name.</summary>
    public WorkflowJob AddBranch(string branch, BuildRecipe recipe)
    {
        var job = new WorkflowJob(Uri.EscapeDataString(branch), this, recipe) { DisplayNameOrNull = branch };
        Items.Add(job);
        return job;
    }
}
