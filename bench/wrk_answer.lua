-- wrk script for the answer endpoint. One connection per wrk thread (-t N -c N), so each thread's requests are
-- strictly one after another and a thread can walk its own sessions through a whole turn.
--   BENCH_MODE=bare     POST the answer form to the bare app (same URL, headers and body)
--   BENCH_MODE=offline  POST answers (htmx), rotating over the thread's sessions; a finished session is dropped
--   BENCH_MODE=llm      per session: GET the pending turn's SSE stream, POST an answer, GET the new turn's
--                       stream and the answer's score (what the browser does after an answer), then the next session
-- BENCH_DATA: lines "thread<TAB>session_id<TAB>cookie<TAB>csrf<TAB>pending_stream_path_or_-"
-- BENCH_OUT: where done() writes its JSON summary.
local mode = os.getenv("BENCH_MODE") or "offline"
local data_path = os.getenv("BENCH_DATA")
local out_path = os.getenv("BENCH_OUT")
local user_agent = os.getenv("BENCH_UA") or "offerready-bench/1"
local threads = {}
local counter = 0

local answers = {
  "In my last role I led the migration of our billing service from a monolith to three services. The situation was that deploys took two hours and failed one time in five. My task was to cut that risk without a freeze. I mapped the dependencies, wrote contract tests, and moved one endpoint a week behind a feature flag. As a result, deploy time fell to twelve minutes and failed deploys dropped to under one percent over six months.",
  "I would start by clarifying the requirements with the product owner, then sketch the data model and the API. I usually agree on the riskiest assumption first and test it with a small prototype, because it is cheaper to learn early. Then I write the plan down and share it with the team for review.",
  "When two engineers disagreed about the queue we should use, I set up a short session where each wrote down their criteria. I owned the comparison and ran a load test of both options against our real traffic. We chose the simpler one, saved about 30% in running cost, and the team kept the decision record for later.",
  "Honestly I am not sure. I think I would ask someone on the team.",
}

local function urlencode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  sessions = {}
  encoded = {}
  for i, a in ipairs(answers) do encoded[i] = urlencode(a) end
  local f = assert(io.open(data_path, "r"))
  for line in f:lines() do
    local t, sid, cookie, csrf, pending = line:match("^(%d+)\t(%d+)\t([^\t]+)\t([^\t]+)\t([^\t]+)$")
    if t and tonumber(t) == tid then
      table.insert(sessions, {id = sid, cookie = cookie, csrf = csrf, csrf_enc = urlencode(csrf),
                              stream = (pending ~= "-") and pending or nil, score = nil, last = nil})
    end
  end
  f:close()
  idx = 1
  n = 0
  answers_ok = 0; answers_422 = 0; answers_err = 0
  streams_ok = 0; streams_err = 0; scores_ok = 0; scores_err = 0
  idle = 0; other = 0; s5xx = 0
end

local function headers_for(s, extra)
  local h = {["Cookie"] = s.cookie, ["User-Agent"] = user_agent}
  for k, v in pairs(extra or {}) do h[k] = v end
  return h
end

function request()
  if #sessions == 0 then
    idle = idle + 1
    return wrk.format("GET", "/healthz", {["User-Agent"] = user_agent})
  end
  local s = sessions[idx]
  if mode ~= "bare" and s.stream then
    s.last = "stream"
    return wrk.format("GET", s.stream, headers_for(s, {["Accept"] = "text/event-stream"}))
  elseif mode ~= "bare" and s.score then
    s.last = "score"
    return wrk.format("GET", s.score, headers_for(s, {["HX-Request"] = "true"}))
  end
  s.last = "answer"
  n = n + 1
  local body = "csrf_token=" .. s.csrf_enc .. "&answer=" .. encoded[(n % #encoded) + 1]
  return wrk.format("POST", "/practice/sessions/" .. s.id .. "/answer", headers_for(s, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["HX-Request"] = "true",
    ["HX-Current-URL"] = "http://127.0.0.1/practice/sessions/" .. s.id,
    ["X-CSRFToken"] = s.csrf,
  }), body)
end

local function advance()
  idx = idx + 1
  if idx > #sessions then idx = 1 end
end

function response(status, headers, body)
  if status >= 500 then s5xx = s5xx + 1 end
  if #sessions == 0 then return end
  local s = sessions[idx]
  if s.last == "answer" then
    if status == 200 then
      answers_ok = answers_ok + 1
      if mode == "llm" then
        s.stream = body:match('sse%-connect="([^"]+)"')
        s.score = body:match('hx%-get="(/practice/sessions/%d+/turns/%d+/score)"')
        if not s.stream and not s.score then advance() end
      else
        advance()
      end
    elseif status == 422 then
      -- the session has finished (or is waiting for a reply): drop it from the rotation
      answers_422 = answers_422 + 1
      table.remove(sessions, idx)
      if idx > #sessions then idx = 1 end
    else
      answers_err = answers_err + 1
      advance()
    end
  elseif s.last == "stream" then
    if status == 200 and body:find("event: done", 1, true) and not body:find("turn-error", 1, true) then
      streams_ok = streams_ok + 1
    else
      streams_err = streams_err + 1
    end
    s.stream = nil  -- stay on this session: its score (if any) and then its next answer come next
  elseif s.last == "score" then
    if status == 200 then scores_ok = scores_ok + 1 else scores_err = scores_err + 1 end
    s.score = nil
    if not s.stream then advance() end
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local totals = {answers_ok = 0, answers_422 = 0, answers_err = 0, streams_ok = 0, streams_err = 0,
                  scores_ok = 0, scores_err = 0, idle = 0, s5xx = 0}
  for _, t in ipairs(threads) do
    for k, _ in pairs(totals) do totals[k] = totals[k] + (t:get(k) or 0) end
  end
  local parts = {}
  for k, v in pairs(totals) do table.insert(parts, string.format('"%s": %d', k, v)) end
  local e = summary.errors
  local json = string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"mean": %.1f, "p50": %d, "p90": %d, "p95": %d, "p99": %d, "max": %d}, %s}',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max, table.concat(parts, ", "))
  if out_path then
    local f = assert(io.open(out_path, "w"))
    f:write(json)
    f:close()
  end
  io.write(json .. "\n")
end
