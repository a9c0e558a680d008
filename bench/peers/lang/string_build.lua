-- lang suite: N numbers converted to text and joined with ","; the checksum is the length.
-- tostring of an integral double in LuaJIT is exact below 1e14 (%.14g); i * 7 stays far below.
local N = 1000000
if arg and arg[1] then N = tonumber(arg[1]) end

local function main()
  local parts = {}
  for i = 0, N - 1 do
    parts[#parts + 1] = tostring(i * 7)
  end
  local s = table.concat(parts, ",")
  print(string.format("%d", #s))
end

main()
