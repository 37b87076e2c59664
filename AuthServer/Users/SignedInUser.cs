namespace McpAspire.AuthServer.Users;

/// <summary>The user a token is issued for: a stable subject and the name people sign in with.</summary>
public sealed record SignedInUser(string Subject, string UserName);
