-- Shared by every bench/wrk script (loaded with dofile): checks each response with the script's
-- accept(status, headers, body), counts what failed, and writes one JSON line of figures to the file
-- named by WRK_RESULT. A request that answered quickly but wrongly (429, inactive token, JSON-RPC error)
-- is a failure, never throughput.
local threads = {}

function urlencode(text)
  return (string.gsub(text, "[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function required_env(name)
  local value = os.getenv(name)
  if value == nil or value == "" then error("environment variable " .. name .. " is required") end
  return value
end

function setup(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
  if thread_setup ~= nil then thread_setup(thread, #threads - 1) end
end

failures = 0
first_failure = ""

function response(status, headers, body)
  if not accept(status, headers, body or "") then
    failures = failures + 1
    if first_failure == "" then
      -- Only error answers are kept, and only their start: a 200 answer could carry a token.
      if status == 200 then
        first_failure = "200 with an unexpected body"
      else
        first_failure = status .. " " .. string.sub(string.gsub(body or "", "[^%w%s%p]", "?"), 1, 160)
      end
    end
  end
end

local function json_string(text)
  return '"' .. string.gsub(text, '[%c"\\]', function(c) return string.format("\\u%04x", string.byte(c)) end) .. '"'
end

function done(summary, latency, requests)
  local failed, first = 0, ""
  for _, thread in ipairs(threads) do
    failed = failed + (thread:get("failures") or 0)
    local f = thread:get("first_failure")
    if first == "" and f ~= nil and f ~= "" then first = f end
  end
  if summary.requests == 0 and first == "" then
    first = "no answer within the load's duration"
  end
  local errors = summary.errors
  local seconds = summary.duration / 1e6
  local out = assert(io.open(required_env("WRK_RESULT"), "w"))
  out:write(string.format(
    '{"requests":%d,"seconds":%.2f,"rps":%.1f,"ok_rps":%.1f,"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,' ..
    '"socket_errors":%d,"timeouts":%d,"non_2xx":%d,"failed_checks":%d,"first_failure":%s}\n',
    summary.requests, seconds, summary.requests / seconds, (summary.requests - failed) / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    errors.connect + errors.read + errors.write, errors.timeout, errors.status, failed, json_string(first)))
  out:close()
end
