using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace McpAspire.McpJenkinsServer.Services;

/// <summary>
/// Wraps every tool call (outermost filter) and audits who called what, with which arguments (secrets masked), the
/// outcome and the duration, both as a log entry and as a span on the shared McpAspire activity source. The scope
/// check is not here: it is <see cref="RequireToolScope"/>, inside this filter, whose refusal is audited as "denied"; so is
/// a refusal by the Jenkins access policy (<see cref="EnforceAccessPolicy"/>), whose decision (the action, the item and the
/// rule that granted it, or "no rule") and the count of items lists left out are in the line too.
/// </summary>
public sealed partial class ToolCallAudit(ILogger<ToolCallAudit> logger, TimeProvider time)
{
    private const int MaxArgumentsLength = 2048;

    public async ValueTask<CallToolResult> InvokeAsync(
        McpRequestHandler<CallToolRequestParams, CallToolResult> next,
        RequestContext<CallToolRequestParams> context,
        CancellationToken cancellationToken)
    {
        var tool = context.Params?.Name ?? "";
        var subject = context.User?.GetClaim(OpenIddictConstants.Claims.Subject) ?? "anonymous";
        var clientId = context.User?.GetClaim(OpenIddictConstants.Claims.ClientId) ?? "unknown";
        var arguments = RedactArguments(context.Params?.Arguments);
        // The tool name is whatever the client sent; subject and client id come from the token. None is trusted
        // in a log line or span as it is.
        var (safeTool, safeSubject, safeClientId) = (LogText.Safe(tool), LogText.Safe(subject), LogText.Safe(clientId));
        var started = time.GetTimestamp();

        using var activity = McpAspireTelemetry.ActivitySource.StartActivity($"mcp.tool_call {safeTool}", ActivityKind.Internal);
        activity?.SetTag("enduser.id", safeSubject);
        activity?.SetTag("mcp.client_id", safeClientId);
        activity?.SetTag("gen_ai.tool.name", safeTool);
        activity?.SetTag("mcp.tool.arguments", arguments);

        var outcome = "error";
        try
        {
            var result = await next(context, cancellationToken);
            outcome = result.IsError == true ? "tool_error" : "ok";
            return result;
        }
        catch (ToolScopeDeniedException)
        {
            outcome = "denied";
            throw;
        }
        catch (JenkinsAccessDeniedException)
        {
            outcome = "denied";
            throw;
        }
        catch (AccessPolicyUnavailableException)
        {
            outcome = "policy_unavailable";
            throw;
        }
        catch (McpProtocolException exception)
        {
            outcome = exception.ErrorCode == McpErrorCode.InvalidParams ? "invalid_params" : "protocol_error";
            throw;
        }
        catch (McpException)
        {
            outcome = "tool_error";
            throw;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            outcome = "cancelled";
            throw;
        }
        finally
        {
            var duration = time.GetElapsedTime(started);
            // Resolved only now: the access policy filter, inside this one, decided it during the call.
            // Longer than other values: the linked Jenkins user (first) and the rule that decided must both fit.
            var access = LogText.Safe(context.Services?.GetService<JenkinsAccess>()?.AuditText ?? "n/a", maxLength: 320);
            activity?.SetTag("mcp.tool.outcome", outcome);
            activity?.SetTag("mcp.tool.access", access);
            activity?.SetTag("mcp.tool.duration_ms", (long)duration.TotalMilliseconds);
            if (outcome is not "ok")
            {
                activity?.SetStatus(ActivityStatusCode.Error, outcome);
            }

            LogToolCall(logger, safeSubject, safeClientId, safeTool, arguments, outcome, access, (long)duration.TotalMilliseconds);
        }
    }

    /// <summary>The arguments as compact JSON, with values of secret-looking names masked and the text bounded.</summary>
    public static string RedactArguments(IDictionary<string, JsonElement>? arguments)
    {
        if (arguments is null || arguments.Count == 0)
        {
            return "{}";
        }

        var redacted = new JsonObject();
        foreach (var (name, value) in arguments)
        {
            redacted[name] = Redact(name, JsonSerializer.SerializeToNode(value));
        }

        var text = redacted.ToJsonString();
        return text.Length > MaxArgumentsLength ? text[..MaxArgumentsLength] + "…" : text;
    }

    private static JsonNode? Redact(string name, JsonNode? value)
    {
        if (SecretName().IsMatch(name))
        {
            return JsonValue.Create("***");
        }

        switch (value)
        {
            case JsonObject obj:
                var copy = new JsonObject();
                foreach (var (key, child) in obj)
                {
                    copy[key] = Redact(key, child?.DeepClone());
                }

                return copy;
            case JsonArray array:
                return new JsonArray([.. array.Select(item => Redact("", item?.DeepClone()))]);
            default:
                return value?.DeepClone();
        }
    }

    [GeneratedRegex("pass(word|wd)?|secret|token|api[-_]?key|credential|private[-_]?key|auth", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretName();

    [LoggerMessage(EventId = 1000, Level = LogLevel.Information,
        Message = "MCP tool call: subject {Subject} client {ClientId} tool {Tool} arguments {Arguments} outcome {Outcome} access {Access} in {DurationMs} ms")]
    private static partial void LogToolCall(ILogger logger, string subject, string clientId, string tool, string arguments, string outcome, string access, long durationMs);
}
