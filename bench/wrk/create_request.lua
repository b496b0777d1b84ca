-- POST /api/v1/requests: routing, SLA, numbering, audit and search index in
-- one durable transaction per request (env: TOKEN, MAXCLIENT)
local token = os.getenv("TOKEN")
local maxclient = tonumber(os.getenv("MAXCLIENT") or "100")
math.randomseed(os.time())
request = function()
  local body = string.format('{"subject":"Не печатает принтер, мнёт бумагу","priority":"normal","channel":"api","client_id":%d}', math.random(1, maxclient))
  return wrk.format("POST", "/api/v1/requests", { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }, body)
end
