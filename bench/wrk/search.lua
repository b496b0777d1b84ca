-- GET searches over requests and clients (env: TOKEN)
local token = os.getenv("TOKEN")
local paths = {
  "/api/v1/requests?q=%D0%BF%D1%80%D0%B8%D0%BD%D1%82%D0%B5%D1%80",
  "/api/v1/clients?q=%D0%B8%D0%B2%D0%B0%D0%BD%D0%BE%D0%B2",
  "/api/v1/clients?q=7916",
  "/api/v1/requests?q=%D0%BA%D0%BE%D1%84%D0%B5%D0%BC%D0%B0%D1%88",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1], { ["Authorization"] = "Bearer " .. token })
end
