using System.Net;
using McpAspire.AuthServer.Users;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace McpAspire.AuthServer.Tests.Unit;

public sealed class LoginThrottleTests : IDisposable
{
    private static readonly IPAddress Home = IPAddress.Parse("10.0.0.1");
    private static readonly IPAddress Elsewhere = IPAddress.Parse("10.0.0.2");

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
    private readonly LoginThrottle _throttle;

    public LoginThrottleTests()
    {
        _throttle = new LoginThrottle(Options.Create(new LoginThrottleOptions
        {
            FreeFailuresPerAccountAndAddress = 3,
            FirstDelay = TimeSpan.FromSeconds(2),
            MaxDelay = TimeSpan.FromMinutes(15),
            MaxFailuresPerAddress = 20,
            Window = TimeSpan.FromMinutes(15),
        }), _time);
    }

    [Fact]
    public void The_first_failures_cost_nothing_then_each_one_doubles_the_wait()
    {
        Fail("alice", Home, 3);
        Assert.Null(_throttle.RetryAfter("alice", Home));

        Fail("alice", Home, 1);
        Assert.Equal(TimeSpan.FromSeconds(2), _throttle.RetryAfter("alice", Home));

        Fail("ALICE", Home, 1);
        Assert.Equal(TimeSpan.FromSeconds(4), _throttle.RetryAfter("alice", Home));

        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.Null(_throttle.RetryAfter("alice", Home));
    }

    [Fact]
    public void The_wait_never_exceeds_the_ceiling()
    {
        Fail("alice", Home, 19);

        Assert.Equal(TimeSpan.FromMinutes(15), _throttle.RetryAfter("alice", Home));
    }

    [Fact]
    public void Guessing_from_one_address_does_not_lock_the_account_owner_out_elsewhere()
    {
        Fail("admin", Home, 19);

        Assert.NotNull(_throttle.RetryAfter("admin", Home));
        Assert.Null(_throttle.RetryAfter("admin", Elsewhere));
    }

    [Fact]
    public void An_address_that_fails_on_many_accounts_is_refused_for_every_account()
    {
        for (var i = 0; i < 20; i++)
        {
            Fail($"user{i}", Home, 1);
        }

        Assert.Equal(TimeSpan.FromMinutes(15), _throttle.RetryAfter("someone-else", Home));
        Assert.Null(_throttle.RetryAfter("someone-else", Elsewhere));
    }

    [Fact]
    public void Ipv6_addresses_count_per_64_bit_prefix()
    {
        Fail("alice", IPAddress.Parse("2001:db8:1:2::1"), 4);

        Assert.NotNull(_throttle.RetryAfter("alice", IPAddress.Parse("2001:db8:1:2:ffff::9")));
        Assert.Null(_throttle.RetryAfter("alice", IPAddress.Parse("2001:db8:1:3::1")));
    }

    [Fact]
    public void A_successful_sign_in_clears_the_failures_of_that_account_from_that_address()
    {
        Fail("alice", Home, 3);
        _throttle.RecordSuccess("alice", Home);
        Fail("alice", Home, 1);

        Assert.Null(_throttle.RetryAfter("alice", Home));
    }

    private void Fail(string userName, IPAddress address, int times)
    {
        for (var i = 0; i < times; i++)
        {
            _throttle.RecordFailure(userName, address);
        }
    }

    public void Dispose() => _throttle.Dispose();
}
