-- json_post: POST the ~1 KB JSON body read from the file given after "--".
local req

local function read(path)
  local f = assert(io.open(path, "rb"))
  local data = f:read("*a")
  f:close()
  return data
end

function init(args)
  req = wrk.format("POST", "/api/items", { ["Content-Type"] = "application/json" }, read(args[1]))
end

function request()
  return req
end
