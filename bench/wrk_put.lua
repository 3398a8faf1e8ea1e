-- wrk script: POST /put with JSON bodies {"key": K, "value": V} of the challenge's sizes:
-- K is one of WRK_PUT_KEYS (default 100000) keys of 11 to 256 characters, drawn at random
-- (so some writes are overwrites), V a random alphanumeric string of 1 to 256 characters.
local pool_size = 4096
local key_space = tonumber(os.getenv("WRK_PUT_KEYS") or "100000")
local alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local requests = {}
local position = 0
failures = 0  -- global: done() reads it from each thread with thread:get

local function random_string(length)
  local chars = {}
  for i = 1, length do
    local c = math.random(#alphabet)
    chars[i] = alphabet:sub(c, c)
  end
  return table.concat(chars)
end

function init(args)
  -- A pool of ready requests per thread, cycled: generating random strings per request would
  -- take CPU from the server under test.
  math.randomseed(1234 + id)
  local headers = { ["Content-Type"] = "application/json" }
  for i = 1, pool_size do
    local n = math.random(0, key_space - 1)
    local key = string.format("put:%06d:", n) .. string.rep("k", (n * 37) % 246)
    local body = string.format('{"key":"%s","value":"%s"}', key, random_string(math.random(256)))
    requests[i] = wrk.format("POST", "/put", headers, body)
  end
end

function request()
  position = position % pool_size + 1
  return requests[position]
end

function response(status, headers, body)
  if status ~= 200 then
    failures = failures + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("failures")
  end
  io.write(string.format("not 200: %d\n", total))
end
