-- GET /api/v1/stock/find?model_id=<random bench model>: the compatible parts
-- and their analogs with availability per warehouse and, for what is not in
-- stock, the suppliers (env: TOKEN, MODEL0, MODELS)
local token = os.getenv("TOKEN")
local model0 = tonumber(os.getenv("MODEL0") or "1")
local models = tonumber(os.getenv("MODELS") or "1")
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/api/v1/stock/find?model_id=" .. (model0 + math.random(0, models - 1)), { ["Authorization"] = "Bearer " .. token })
end
