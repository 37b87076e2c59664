-- RFC 7662 introspection of one active access token by the resource server (client_secret_basic).
-- BENCH_BASIC: the resource server's "Basic ..." header; BENCH_TOKEN: the access token.
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Accept"] = "application/json"
wrk.headers["Authorization"] = required_env("BENCH_BASIC")
wrk.body = "token=" .. urlencode(required_env("BENCH_TOKEN")) .. "&token_type_hint=access_token"

function accept(status, headers, body)
  return status == 200 and string.find(body, '"active"%s*:%s*true') ~= nil
end
