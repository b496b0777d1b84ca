-- GET /api/v1/requests/<random id> with a bearer token (env: TOKEN, MAXID)
local token = os.getenv("TOKEN")
local maxid = tonumber(os.getenv("MAXID") or "1000")
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/api/v1/requests/" .. math.random(1, maxid), { ["Authorization"] = "Bearer " .. token })
end
