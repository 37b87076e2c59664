-- DynamoDB Local's own rate for the calls the auth server's hot paths make: the ceiling each path is
-- measured against (bench/README.md, "The storage ceiling"). Requests carry a syntactically valid SigV4
-- Authorization header: DynamoDB Local checks its form, not its signature, so no signing cost is in the figure.
-- BENCH_DYNAMO_OP: get (one strongly consistent GetItem of a token-sized item), put (one conditional PutItem of
-- a new token-sized item) or transact (TransactWriteItems of two conditional puts, a token and its reference
-- copy, as issuing a reference token writes them). BENCH_DYNAMO_TABLE: the table (key "id", string).
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
local op = required_env("BENCH_DYNAMO_OP")
local tableName = required_env("BENCH_DYNAMO_TABLE")
-- About the size of a stored reference access token (payload, ids, dates, properties).
local payload = string.rep("x", 1200)
counter = 0
prefix = "" -- set per thread by thread_setup, so the two threads never write the same id

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-amz-json-1.0"
wrk.headers["X-Amz-Date"] = os.date("!%Y%m%dT%H%M%SZ")
wrk.headers["Authorization"] =
  "AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=00"

function thread_setup(thread, index)
  thread:set("prefix", string.format("t%d-%d-", index, os.time()))
end

local function item(id)
  return '{"id":{"S":"' .. id .. '"},"payload":{"S":"' .. payload .. '"},"status":{"S":"valid"},' ..
    '"concurrency_token":{"S":"0123456789abcdef0123456789abcdef"},"ttl":{"N":"1900000000"}}'
end

local function put(id)
  return '{"TableName":"' .. tableName .. '","Item":' .. item(id) ..
    ',"ConditionExpression":"attribute_not_exists(#id)","ExpressionAttributeNames":{"#id":"id"}}'
end

function request()
  counter = counter + 1
  local id = prefix .. counter
  if op == "get" then
    wrk.headers["X-Amz-Target"] = "DynamoDB_20120810.GetItem"
    return wrk.format(nil, nil, nil, '{"TableName":"' .. tableName .. '","Key":{"id":{"S":"bench-read"}},"ConsistentRead":true}')
  elseif op == "put" then
    wrk.headers["X-Amz-Target"] = "DynamoDB_20120810.PutItem"
    return wrk.format(nil, nil, nil, put(id))
  else
    wrk.headers["X-Amz-Target"] = "DynamoDB_20120810.TransactWriteItems"
    return wrk.format(nil, nil, nil, '{"TransactItems":[{"Put":' .. put(id) .. '},{"Put":' .. put(id .. "-ref") .. '}]}')
  end
end

function accept(status, headers, body)
  if status ~= 200 then return false end
  if op == "get" then return string.find(body, '"Item"', 1, true) ~= nil end
  return true
end
