-- lang suite: a counted loop of integer arithmetic; every value stays below 2^53 (LuaJIT).
local N = 50000000
if arg and arg[1] then N = tonumber(arg[1]) end

local function main()
  local s = 0
  for i = 0, N - 1 do
    s = (s * 3 + i * 7) % 1000003
  end
  print(string.format("%d", s))
end

main()
