-- The token endpoint's client_credentials grant for a confidential client (client_secret_basic).
-- BENCH_BASIC: the client's "Basic ..." header; BENCH_SCOPE: the scope asked for.
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Accept"] = "application/json"
wrk.headers["Authorization"] = required_env("BENCH_BASIC")
wrk.body = "grant_type=client_credentials&scope=" .. urlencode(required_env("BENCH_SCOPE"))

function accept(status, headers, body)
  return status == 200 and string.find(body, '"access_token"') ~= nil
end
