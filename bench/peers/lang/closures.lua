-- lang suite: N closures created, each capturing its own k (a local of the loop body is fresh
-- per iteration), kept in batches of 1000 and then called in order, each call feeding the next.
local N = 1000000
if arg and arg[1] then N = tonumber(arg[1]) end
local BATCH = 1000

local function main()
  local s = 0
  local fs = {}
  for i = 0, N - 1 do
    local k = i % 1000
    fs[#fs + 1] = function(x) return (x * 3 + k) % 1000003 end
    if #fs == BATCH or i == N - 1 then
      for _, f in ipairs(fs) do
        s = f(s)
      end
      fs = {}
    end
  end
  print(string.format("%d", s))
end

main()
