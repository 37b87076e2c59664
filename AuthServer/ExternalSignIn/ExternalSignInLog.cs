namespace McpAspire.AuthServer.ExternalSignIn;

/// <summary>Source-generated log messages of upstream sign-in. Never a token, a code or a secret: names and issuers only.</summary>
internal static partial class ExternalSignInLog
{
    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "User {UserName} signed in through {Provider} ({Issuer}) with {GroupCount} group(s).")]
    public static partial void SignedIn(ILogger logger, string userName, string provider, string issuer, int groupCount);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "Refused the sign-in of disabled user {UserName} through {Provider}.")]
    public static partial void DisabledUserRefused(ILogger logger, string userName, string provider);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Warning, Message = "Refused a sign-in through {Provider}: {Reason}.")]
    public static partial void Refused(ILogger logger, string provider, string reason);
}
