-- GET list pages with filters and sort (env: TOKEN)
local token = os.getenv("TOKEN")
local paths = {
  "/api/v1/requests?status=in_progress&limit=50",
  "/api/v1/requests?sla_state=breached&sort=-id&limit=50",
  "/api/v1/requests?assignee_id=2&status=assigned",
  "/api/v1/clients?kind=company&limit=50",
  "/api/v1/requests?limit=50",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1], { ["Authorization"] = "Bearer " .. token })
end
