-- lang suite: N integer keys (spread over [0, 2^32) so that no table keeps them in an array part)
-- inserted into a table, then each looked up and the values summed. The odd multiplier keeps the keys
-- distinct; the product i * 40499977 stays below 2^47 for N < 3.47M, so it is exact in LuaJIT's
-- doubles and a small integer everywhere (spl's VM boxes integers beyond 48 bits).
local N = 1000000
if arg and arg[1] then N = tonumber(arg[1]) end

local function main()
  local d = {}
  for i = 0, N - 1 do
    d[(i * 40499977) % 4294967296] = i
  end
  local s = 0
  for i = 0, N - 1 do
    s = s + d[(i * 40499977) % 4294967296]
  end
  print(string.format("%d", s))
end

main()
