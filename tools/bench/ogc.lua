-- wrk script: OGC API items of a viewport at random places in the city of
-- Kaiserslautern, about 2.2 km x 1.4 km (or 500 m x 500 m with
-- GEOPART_BBOX=500m), 100 features a page, exact numberMatched.
local half_w, half_h = 0.0152, 0.0063
if os.getenv("GEOPART_BBOX") == "500m" then half_w, half_h = 0.00345, 0.00225 end
math.randomseed(42)
request = function()
  local lon = 7.70 + math.random() * 0.12
  local lat = 49.41 + math.random() * 0.06
  local path = string.format("/ogc/collections/points/items?bbox=%.6f,%.6f,%.6f,%.6f&limit=100",
    lon - half_w, lat - half_h, lon + half_w, lat + half_h)
  return wrk.format("GET", path)
end
done = function(summary, latency, requests)
  io.write(string.format("wrk: %d requests, %.0f requests/s, p50 %.2f ms, p99 %.2f ms, errors %d non-2xx %d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.errors.status))
end
