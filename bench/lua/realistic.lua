-- realistic: a mix of 60% GET through the router (all 100 routes),
-- 20% JSON POST through the body parser (body file given after "--"),
-- 20% GET of the mounted static file.
local requests = {}
local count = 0
local k = 0

local function read(path)
  local f = assert(io.open(path, "rb"))
  local data = f:read("*a")
  f:close()
  return data
end

function init(args)
  local post = wrk.format("POST", "/api/items", { ["Content-Type"] = "application/json" }, read(args[1]))
  local static = wrk.format("GET", "/static/style.css")
  for j = 0, 99 do
    count = count + 1
    if j % 5 == 2 then
      requests[count] = post
    elseif j % 5 == 4 then
      requests[count] = static
    else
      local i = (j * 37) % 100
      requests[count] = wrk.format("GET", "/api/v1/res" .. i .. "/" .. (i * 7919 % 100000))
    end
  end
end

function request()
  k = k % count + 1
  return requests[k]
end
