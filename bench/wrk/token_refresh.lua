-- The token endpoint's refresh_token grant with rotation: every refresh token is used exactly once.
-- Each thread gets its share of the pool in BENCH_REFRESH_FILE (line 1: the client's "Basic ..." header,
-- then one refresh token per line: one per connection plus one per thread, because wrk 4.1 calls request()
-- once per thread without sending it) and follows each chain: the refresh token a response returns is the
-- next request's. A failed request ends its chain; once a thread's
-- chains are all gone its requests are sent with a placeholder and fail, so they are counted.
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
local lines = {}
for line in io.lines(required_env("BENCH_REFRESH_FILE")) do
  if line ~= "" then table.insert(lines, line) end
end
local headers = {
  ["Content-Type"] = "application/x-www-form-urlencoded",
  ["Accept"] = "application/json",
  ["Authorization"] = lines[1],
}

function thread_setup(thread, index)
  local threads = tonumber(required_env("BENCH_THREADS"))
  local mine = {}
  for i = 2, #lines do
    if (i - 2) % threads == index then table.insert(mine, lines[i]) end
  end
  thread:set("pool", table.concat(mine, " "))
end

local queue = {}
function init(args)
  for refresh_token in string.gmatch(pool, "%S+") do table.insert(queue, refresh_token) end
end

function request()
  local refresh_token = table.remove(queue, 1) or "chain-ended"
  return wrk.format("POST", nil, headers, "grant_type=refresh_token&refresh_token=" .. urlencode(refresh_token))
end

function accept(status, headers, body)
  if status ~= 200 then return false end
  local rotated = string.match(body, '"refresh_token"%s*:%s*"([^"]+)"')
  if rotated == nil then return false end
  table.insert(queue, rotated)
  return true
end
