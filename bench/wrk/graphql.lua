-- wrk script: POST the JSON body in the file named after "--" to the URL, and count the
-- responses whose body holds GraphQL "errors" (a 200 with errors is still a failure).
--   wrk -t1 -c16 -d20s --latency -s bench/wrk/graphql.lua http://127.0.0.1:8000/graphql -- body.json

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local f = assert(io.open(args[1], "rb"))
  wrk.method = "POST"
  wrk.body = f:read("*a")
  wrk.headers["Content-Type"] = "application/json"
  f:close()
  graphql_errors = 0
  sample = nil
end

function response(status, headers, body)
  if status == 200 and body:find('"errors"', 1, true) then
    graphql_errors = graphql_errors + 1
    sample = sample or body:sub(1, 300)
  end
end

function done(summary, latency, requests)
  local errors = 0
  local first = nil
  for _, thread in ipairs(threads) do
    errors = errors + thread:get("graphql_errors")
    first = first or thread:get("sample")
  end
  io.write(string.format("graphql_errors: %d\n", errors))
  if first then
    io.write("graphql_error_sample: " .. first:gsub("\n", " ") .. "\n")
  end
end
