-- GET /orders/?page=1 as many users (the file has "user-id token" a line).
local tokens = {}
local next_index = 0

function init(args)
  for line in io.lines(args[1]) do
    local token = line:match("^%d+ (.+)$")
    if token then tokens[#tokens + 1] = token end
  end
  next_index = math.random(#tokens)
end

function request()
  next_index = next_index % #tokens + 1
  return wrk.format("GET", "/orders/?page=1", { ["Authorization"] = "jwt " .. tokens[next_index] })
end
