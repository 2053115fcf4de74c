-- GET a path as many users: each request takes the next token. wrk … -s get-as-users.lua <url> -- <tokens-file> <path>;
-- the file has "user-id token" a line.
local tokens = {}
local next_index = 0
local path = "/"

function init(args)
  for line in io.lines(args[1]) do
    local token = line:match("^%d+ (.+)$")
    if token then tokens[#tokens + 1] = token end
  end
  path = args[2]
  next_index = math.random(#tokens)
end

function request()
  next_index = next_index % #tokens + 1
  return wrk.format("GET", path, { ["Authorization"] = "jwt " .. tokens[next_index] })
end
