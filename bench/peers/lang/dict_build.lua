-- lang suite: N integer keys (spread over [0, 2^32) so that no table keeps them in an array part)
-- inserted into a table, then each looked up and the values summed. Keys stay below 2^53 for
-- N < 3.39M (LuaJIT's doubles).
local N = 1000000
if arg and arg[1] then N = tonumber(arg[1]) end

local function main()
  local d = {}
  for i = 0, N - 1 do
    d[(i * 2654435761) % 4294967296] = i
  end
  local s = 0
  for i = 0, N - 1 do
    s = s + d[(i * 2654435761) % 4294967296]
  end
  print(string.format("%d", s))
end

main()
