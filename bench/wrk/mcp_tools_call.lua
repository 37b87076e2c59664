-- MCP Streamable HTTP: tools/call list_jobs with a bearer token, end to end (the MCP server introspects
-- the token at the auth server, then calls Jenkins). BENCH_TOKEN: the access token; BENCH_MCP_SESSION:
-- the session id from initialize (empty for a stateless server); BENCH_MCP_PROTOCOL: the negotiated version.
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
local headers = {
  ["Content-Type"] = "application/json",
  ["Accept"] = "application/json, text/event-stream",
  ["Authorization"] = "Bearer " .. required_env("BENCH_TOKEN"),
  ["MCP-Protocol-Version"] = required_env("BENCH_MCP_PROTOCOL"),
}
local session = os.getenv("BENCH_MCP_SESSION")
if session ~= nil and session ~= "" then headers["Mcp-Session-Id"] = session end

-- Request ids are unique across threads: concurrent requests of one session must not share an id.
local counter = 0
function request()
  counter = counter + 1
  local id = thread_index * 100000000 + counter
  return wrk.format("POST", nil, headers,
    '{"jsonrpc":"2.0","id":' .. id .. ',"method":"tools/call","params":{"name":"list_jobs","arguments":{}}}')
end

function accept(status, headers, body)
  return status == 200 and string.find(body, '"result"') ~= nil and string.find(body, '"isError"%s*:%s*true') == nil
end
