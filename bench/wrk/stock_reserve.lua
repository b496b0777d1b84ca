-- POST /api/v1/stock/reserve: 1 unit of a big stock for a request, each
-- request holding a few parts, in one durable transaction per call
-- (env: TOKEN, PART0, DOCS: requests 1..DOCS; parts PART0.. three per request)
local token = os.getenv("TOKEN")
local part0 = tonumber(os.getenv("PART0") or "1")
local docs = tonumber(os.getenv("DOCS") or "1")
math.randomseed(os.time())
request = function()
  local doc = math.random(1, docs)
  local part = part0 + (doc - 1) * 3 + math.random(0, 2)
  local body = string.format('{"doc_kind":"request","doc_id":%d,"part_id":%d,"warehouse_id":1,"qty":1000}', doc, part)
  return wrk.format("POST", "/api/v1/stock/reserve", { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }, body)
end
