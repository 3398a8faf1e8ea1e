-- wrk script: GET /get?key=key:NNNNNN, cycling over the keys bench/run_http_wrk.sh loaded.
-- WRK_KEYS (default 10000) is the number of keys; each thread starts at its own offset.
-- Responses that are not hits are counted and reported, so a run that measured misses
-- (keys not loaded, a wrong port) does not pass for a GET benchmark.
local keys = tonumber(os.getenv("WRK_KEYS") or "10000")
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local requests = {}
local position = 0
misses = 0  -- global: done() reads it from each thread with thread:get

function init(args)
  -- Requests are formatted once here, not per request: the Lua work would compete with the
  -- server for the same CPUs.
  for i = 0, keys - 1 do
    requests[i + 1] = wrk.format("GET", string.format("/get?key=key:%06d", i))
  end
  position = (id * 7919) % keys
end

function request()
  position = position % keys + 1
  return requests[position]
end

function response(status, headers, body)
  if status ~= 200 or not body:find('"status":"OK"', 1, true) then
    misses = misses + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("misses")
  end
  io.write(string.format("not hits: %d\n", total))
end
