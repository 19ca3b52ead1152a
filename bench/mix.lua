-- wrk script: cycle through pre-signed Twilio requests and check every answer byte for byte.
-- Usage: wrk -t N -c N -s bench/mix.lua URL -- DATA.lua
-- One connection per thread (-t equal to -c), so each thread's answers arrive in the order
-- of its requests and can be matched to the answer each one must get.

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  data = dofile(args[1])
  total = #data.requests
  i = (id * 997) % total -- start each thread elsewhere in the cycle
  pending = nil
  right, wrong, bad_status, lost, unasked = 0, 0, 0, 0, 0
end

function request()
  -- wrk calls request() once in thread 0 before the run, to check it: that one is never sent.
  if pending and right + wrong + bad_status > 0 then
    lost = lost + 1 -- the connection failed before the last answer came
  end
  i = i % total + 1
  pending = data.expect[i]
  return data.requests[i]
end

function response(status, headers, body)
  if pending == nil then
    unasked = unasked + 1
  elseif status ~= 200 then
    bad_status = bad_status + 1
  elseif body ~= data.bodies[pending] then
    wrong = wrong + 1
  else
    right = right + 1
  end
  pending = nil
end

function done(summary, latency, requests)
  local counts = { right = 0, wrong = 0, bad_status = 0, lost = 0, unasked = 0 }
  for _, thread in ipairs(threads) do
    for name, _ in pairs(counts) do
      counts[name] = counts[name] + thread:get(name)
    end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "connect_errors": %d, "read_errors": %d, ' ..
    '"write_errors": %d, "status_errors": %d, "timeouts": %d, "p50_us": %d, "p90_us": %d, ' ..
    '"p99_us": %d, "max_us": %d, "right": %d, "wrong": %d, "bad_status": %d, "lost": %d, "unasked": %d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    counts.right, counts.wrong, counts.bad_status, counts.lost, counts.unasked))
end
