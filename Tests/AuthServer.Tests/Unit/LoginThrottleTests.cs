using McpAspire.AuthServer.Model;
using McpAspire.AuthServer.Services;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace McpAspire.AuthServer.Tests.Unit;

public sealed class LoginThrottleTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
    private readonly MemoryCache _cache = new(new MemoryCacheOptions());
    private readonly LoginThrottle _throttle;

    public LoginThrottleTests()
    {
        _throttle = new LoginThrottle(_cache, Options.Create(new LoginThrottleOptions
        {
            MaxFailuresPerAccount = 3,
            MaxFailuresPerAddress = 5,
            Window = TimeSpan.FromMinutes(10),
        }), _time);
    }

    [Fact]
    public void An_account_is_refused_after_its_failure_limit_from_any_address()
    {
        _throttle.RecordFailure("alice", "10.0.0.1");
        _throttle.RecordFailure("alice", "10.0.0.2");
        Assert.Null(_throttle.RetryAfter("alice", "10.0.0.3"));

        _throttle.RecordFailure("ALICE", "10.0.0.3");

        Assert.Equal(TimeSpan.FromMinutes(10), _throttle.RetryAfter("alice", "10.0.0.9"));
        Assert.Null(_throttle.RetryAfter("bob", "10.0.0.9"));
    }

    [Fact]
    public void An_address_is_refused_after_its_failure_limit_for_any_account()
    {
        for (var i = 0; i < 5; i++)
        {
            _throttle.RecordFailure($"user{i}", "10.0.0.1");
        }

        Assert.NotNull(_throttle.RetryAfter("someone-else", "10.0.0.1"));
        Assert.Null(_throttle.RetryAfter("someone-else", "10.0.0.2"));
    }

    [Fact]
    public void A_refusal_ends_when_the_window_has_passed_since_the_last_failure()
    {
        for (var i = 0; i < 3; i++)
        {
            _throttle.RecordFailure("alice", "10.0.0.1");
        }

        _time.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(TimeSpan.FromMinutes(1), _throttle.RetryAfter("alice", "10.0.0.1"));

        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(_throttle.RetryAfter("alice", "10.0.0.1"));
    }

    [Fact]
    public void A_successful_sign_in_clears_the_account_failures()
    {
        _throttle.RecordFailure("alice", "10.0.0.1");
        _throttle.RecordFailure("alice", "10.0.0.1");
        _throttle.RecordSuccess("alice");
        _throttle.RecordFailure("alice", "10.0.0.1");

        Assert.Null(_throttle.RetryAfter("alice", "10.0.0.1"));
    }

    public void Dispose() => _cache.Dispose();
}
