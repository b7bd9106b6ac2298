-- json_router: GET each of the 100 parametrised routes in turn.
local requests = {}
local count = 0
local k = 0

function init(args)
  for i = 0, 99 do
    count = count + 1
    requests[count] = wrk.format("GET", "/api/v1/res" .. i .. "/" .. (i * 7919 % 100000))
  end
end

function request()
  k = k % count + 1
  return requests[k]
end
