namespace McpAspire.JenkinsMock.Tests.Contract;

/// <summary>Reference, "Security": Basic user:apiToken, 401/403, crumbs bound to sessions, API tokens exempt.</summary>
public sealed class SecurityContractTests(JenkinsMockFactory factory) : IClassFixture<JenkinsMockFactory>
{
    [Fact]
    public async Task Bad_credentials_get_401_with_a_Basic_Jenkins_challenge()
    {
        using var client = factory.CreateBasicClient(factory.User, "not-the-token");

        using var response = await client.GetAsync(new Uri("/api/json", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Basic realm=\"Jenkins\"", Assert.Single(response.Headers.WwwAuthenticate).ToString());
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains($"Invalid password/token for user: {factory.User}", body, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-token", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_right_token_for_another_user_is_rejected_with_401()
    {
        using var client = factory.CreateBasicClient("someone-else", factory.ApiToken);

        using var response = await client.GetAsync(new Uri("/api/json", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task User_ids_ignore_case_as_jenkins_default_id_strategy_and_whoAmI_names_the_id_as_jenkins_keeps_it()
    {
        // IdStrategy.CaseInsensitive (the built-in realm's default): BUILDER with builder's token is builder.
        using var shouted = factory.CreateBasicClient("BUILDER", factory.TokenOf("builder"));
        using var exact = factory.CreateBasicClient("builder", factory.TokenOf("builder"));

        var whoAmI = await shouted.GetJsonAsync("/whoAmI/api/json");
        var same = await exact.GetJsonAsync("/whoAmI/api/json");

        Assert.Equal("builder", whoAmI.GetProperty("name").GetString());
        Assert.False(whoAmI.GetProperty("anonymous").GetBoolean());
        Assert.Equal("builder", same.GetProperty("name").GetString());
    }

    [Fact]
    public async Task WhoAmI_with_a_wrong_token_gets_401_even_though_it_needs_no_permission()
    {
        using var client = factory.CreateBasicClient("reader", factory.TokenOf("builder"));

        using var response = await client.GetAsync(new Uri("/whoAmI/api/json", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_malformed_basic_header_gets_401()
    {
        using var client = factory.CreateAnonymousClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", "%%%not-base64");

        using var response = await client.GetAsync(new Uri("/api/json", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("/api/json")]
    [InlineData("/job/backend/api/json")]
    [InlineData("/queue/api/json")]
    [InlineData("/computer/api/json")]
    [InlineData("/crumbIssuer/api/json")]
    public async Task Anonymous_requests_are_forbidden_with_403(string path)
    {
        using var client = factory.CreateAnonymousClient();

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Anonymous_post_to_build_is_forbidden()
    {
        using var client = factory.CreateAnonymousClient();

        using var response = await client.PostAsync("/job/nightly-db-backup/build");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Who_am_I_names_the_token_user_as_authenticated()
    {
        using var client = factory.CreateTokenClient();

        var me = await client.GetJsonAsync("/whoAmI/api/json");

        Assert.Equal(factory.User, me.GetProperty("name").GetString());
        Assert.True(me.GetProperty("authenticated").GetBoolean());
        Assert.False(me.GetProperty("anonymous").GetBoolean());
        Assert.Contains("authenticated", me.GetProperty("authorities").EnumerateArray().Select(a => a.GetString()));
    }

    [Fact]
    public async Task Who_am_I_answers_anonymous_callers_too()
    {
        using var client = factory.CreateAnonymousClient();

        var me = await client.GetJsonAsync("/whoAmI/api/json");

        Assert.Equal("anonymous", me.GetProperty("name").GetString());
        Assert.True(me.GetProperty("anonymous").GetBoolean());
    }

    [Fact]
    public async Task The_crumb_issuer_names_the_Jenkins_Crumb_field()
    {
        using var client = factory.CreateTokenClient();

        var crumb = await client.GetJsonAsync("/crumbIssuer/api/json");

        Assert.Equal("Jenkins-Crumb", crumb.GetProperty("crumbRequestField").GetString());
        Assert.False(string.IsNullOrEmpty(crumb.GetProperty("crumb").GetString()));
    }

    [Fact]
    public async Task Api_token_posts_need_no_crumb()
    {
        var job = TestJobs.CreateFreestyle(factory);
        using var client = factory.CreateTokenClient();

        using var response = await client.PostAsync($"{job}build?delay=60sec");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Password_login_posts_without_a_crumb_are_refused()
    {
        var job = TestJobs.CreateFreestyle(factory);
        using var client = factory.CreatePasswordClient();

        using var response = await client.PostAsync($"{job}build?delay=60sec");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("No valid crumb was included in the request", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Password_login_posts_with_the_crumb_of_their_session_are_accepted()
    {
        var job = TestJobs.CreateFreestyle(factory);
        using var client = factory.CreatePasswordClient();
        var crumb = await client.GetJsonAsync("/crumbIssuer/api/json");

        using var request = new HttpRequestMessage(HttpMethod.Post, $"{job}build?delay=60sec");
        request.Headers.Add(crumb.GetProperty("crumbRequestField").GetString()!, crumb.GetProperty("crumb").GetString());
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task A_crumb_from_another_session_is_refused()
    {
        var job = TestJobs.CreateFreestyle(factory);
        using var first = factory.CreatePasswordClient();
        using var second = factory.CreatePasswordClient();
        var crumbOfFirst = await first.GetJsonAsync("/crumbIssuer/api/json");
        await second.GetJsonAsync("/whoAmI/api/json");

        using var request = new HttpRequestMessage(HttpMethod.Post, $"{job}build?delay=60sec");
        request.Headers.Add("Jenkins-Crumb", crumbOfFirst.GetProperty("crumb").GetString());
        using var response = await second.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task The_login_form_with_the_crumb_of_its_page_starts_a_session_that_authenticates_later_requests()
    {
        using var client = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var page = await client.GetStringAsync(new Uri("/login", UriKind.Relative));
        var crumb = System.Text.RegularExpressions.Regex.Match(page, "name=\"Jenkins-Crumb\" value=\"([0-9a-f]+)\"").Groups[1].Value;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["j_username"] = factory.User,
            ["j_password"] = factory.Password,
            ["Jenkins-Crumb"] = crumb,
        });

        using var login = await client.PostAsync(new Uri("/j_spring_security_check", UriKind.Relative), form);
        var me = await client.GetJsonAsync("/whoAmI/api/json");

        Assert.Equal(HttpStatusCode.Found, login.StatusCode);
        Assert.Equal(factory.User, me.GetProperty("name").GetString());
        Assert.False(me.GetProperty("anonymous").GetBoolean());
    }

    [Fact]
    public async Task The_login_form_without_a_crumb_is_refused()
    {
        using var client = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["j_username"] = factory.User, ["j_password"] = factory.Password });

        using var login = await client.PostAsync(new Uri("/j_spring_security_check", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.Forbidden, login.StatusCode);
    }

    [Theory]
    [InlineData("/api/json", HttpStatusCode.OK)]
    [InlineData("/job/no-such-job/api/json", HttpStatusCode.NotFound)]
    [InlineData("/job/backend/job/payments-service/build", HttpStatusCode.MethodNotAllowed)]
    public async Task Every_answer_carries_X_Jenkins_and_nosniff(string path, HttpStatusCode expected)
    {
        using var client = factory.CreateTokenClient();

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(expected, response.StatusCode);
        Assert.False(string.IsNullOrEmpty(Assert.Single(response.Headers.GetValues("X-Jenkins"))));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
    }

    [Fact]
    public async Task Rejections_carry_the_Jenkins_headers_too()
    {
        using var client = factory.CreateAnonymousClient();

        using var response = await client.GetAsync(new Uri("/api/json", UriKind.Relative));

        Assert.True(response.Headers.Contains("X-Jenkins"));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
    }

    [Fact]
    public async Task The_root_reports_security_and_crumbs_in_use()
    {
        using var client = factory.CreateTokenClient();

        var root = await client.GetJsonAsync("/api/json");

        Assert.True(root.GetProperty("useSecurity").GetBoolean());
        Assert.True(root.GetProperty("useCrumbs").GetBoolean());
        Assert.Equal(JsonValueKind.False, root.GetProperty("quietingDown").ValueKind);
    }
}

/// <summary>Reference: the crumb issuer answers 404 when CSRF protection is off.</summary>
public sealed class CsrfOffContractTests(JenkinsMockWithoutCsrfFactory factory) : IClassFixture<JenkinsMockWithoutCsrfFactory>
{
    [Fact]
    public async Task Without_CSRF_protection_the_crumb_issuer_is_404_and_useCrumbs_is_false()
    {
        using var client = factory.CreateTokenClient();

        using var crumb = await client.GetAsync(new Uri("/crumbIssuer/api/json", UriKind.Relative));
        var root = await client.GetJsonAsync("/api/json");

        Assert.Equal(HttpStatusCode.NotFound, crumb.StatusCode);
        Assert.False(root.GetProperty("useCrumbs").GetBoolean());
    }
}
