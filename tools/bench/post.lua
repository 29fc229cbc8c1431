-- wrk script: durable citizen POSTs at places inside the city.  Spots are the
-- shared test points (each at least 330 m inside its Ortsbezirk) with up to
-- ±0.002° of jitter, so every request is a valid point that gets stored.
local spots = {
  {7.790811, 49.42967},
  {7.671722, 49.434084},
  {7.731384, 49.405876},
  {7.690969, 49.467517},
  {7.715056, 49.480606},
  {7.69715, 49.408225},
  {7.760636, 49.467408},
  {7.779203, 49.479464},
  {7.721732, 49.46145},
  {7.810786, 49.37751},
  {7.778906, 49.444034},
  {7.764762, 49.439684},
  {7.752079, 49.440736},
  {7.763314, 49.457098},
  {7.821083, 49.450106},
  {7.81914, 49.414813},
  {7.758175, 49.414462},
  {7.72568, 49.431776},
  {7.726957, 49.445651},
  {7.72149, 49.461639},
  {7.671305, 49.434598},
  {7.761164, 49.467492},
  {7.778611, 49.480055},
  {7.810516, 49.377289},
  {7.731235, 49.405872},
  {7.696768, 49.408893},
  {7.691484, 49.466474},
  {7.715364, 49.480501},
  {7.768889, 49.444722}
}
local categories = {"favourite", "improvement"}
local n = 0
local form_token = ""

-- wrk ... -s post.lua URL -- FORM_TOKEN: the signed form timestamp every
-- citizen POST carries (GET /api/form), fetched once by post.sh.
init = function(args)
  form_token = args[1] or ""
end

request = function()
  n = n + 1
  local s = spots[math.random(#spots)]
  local lon = s[1] + (math.random() - 0.5) * 0.004
  local lat = s[2] + (math.random() - 0.5) * 0.002
  local body = string.format(
    '{"type":"Feature","geometry":{"type":"Point","coordinates":[%.7f,%.7f]},' ..
    '"properties":{"category":"%s","comment":"Benchmark-Kommentar %d","form_token":"%s"}}',
    lon, lat, categories[math.random(2)], n, form_token)
  return wrk.format("POST", "/api/points", {["Content-Type"] = "application/json"}, body)
end

local statuses = {}
response = function(status)
  statuses[status] = (statuses[status] or 0) + 1
end

done = function(summary, latency, requests)
  io.write(string.format("wrk: %d requests, %.0f requests/s, p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("wrk: errors connect %d read %d write %d timeout %d status %d\n",
    summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout, summary.errors.status))
end
