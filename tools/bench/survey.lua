-- wrk script: durable questionnaire responses to data/umfrage.json, each a
-- random valid set of answers (relation, where one lives when one lives
-- here, satisfaction on some scales, the most important topic, sometimes
-- free text), so every request is stored.
local districts = {"ob-0", "ob-1", "ob-2", "ob-3", "ob-4", "ob-5", "ob-6", "ob-7", "ob-8", "ob-9", "outside"}
local topics = {"housing", "mobility", "green_space", "climate", "retail", "culture", "social"}
local relations = {"live", "work", "study", "visit"}
local form_token = ""
local n = 0

init = function(args)
  form_token = args[1] or ""
end

request = function()
  n = n + 1
  local rel, live = {}, false
  for _, r in ipairs(relations) do
    if math.random() < 0.5 then
      rel[#rel + 1] = '"' .. r .. '"'
      if r == "live" then live = true end
    end
  end
  if #rel == 0 then rel[1] = '"work"' end
  local parts = {'"relation":[' .. table.concat(rel, ",") .. ']'}
  if live then parts[#parts + 1] = '"home":"' .. districts[math.random(#districts)] .. '"' end
  for _, t in ipairs(topics) do
    if math.random() < 0.7 then
      parts[#parts + 1] = string.format('"satisfaction_%s":%d', t, math.random(5))
    end
  end
  parts[#parts + 1] = '"priority":"' .. topics[math.random(#topics)] .. '"'
  if math.random() < 0.3 then
    parts[#parts + 1] = string.format('"wish":"Wunsch Nummer %d"', n)
  end
  local body = '{"answers":{' .. table.concat(parts, ",") .. '},"form_token":"' .. form_token ..
    '","website":""}'
  return wrk.format("POST", "/api/survey/responses", {["Content-Type"] = "application/json"}, body)
end

done = function(summary, latency, requests)
  io.write(string.format("wrk: %d requests, %.0f requests/s, p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("wrk: errors connect %d read %d write %d timeout %d status %d\n",
    summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout, summary.errors.status))
end
