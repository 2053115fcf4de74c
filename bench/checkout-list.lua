-- GET /cart/order/ as many users: each request takes the next token of the thread's share.
local tokens = {}
local next_index = 0

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then tokens[#tokens + 1] = line end
  end
  next_index = math.random(#tokens)
end

function request()
  next_index = next_index % #tokens + 1
  return wrk.format("GET", "/cart/order/", { ["Authorization"] = "jwt " .. tokens[next_index] })
end
