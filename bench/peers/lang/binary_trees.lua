-- lang suite: binary trees (allocate and walk complete trees). A node is a fresh table
-- {left, right}; a leaf is a fresh {false, false}. Checksum: the sum of every check
-- (stretch tree, each depth's trees, the long-lived tree).
local N = 16
if arg and arg[1] then N = tonumber(arg[1]) end

local function make_tree(d)
  if d == 0 then
    return {false, false}
  end
  return {make_tree(d - 1), make_tree(d - 1)}
end

local function check(t)
  local left = t[1]
  if not left then return 1 end
  return 1 + check(left) + check(t[2])
end

local function pow2(k)
  local p = 1
  for _ = 1, k do p = p * 2 end
  return p
end

local function main()
  local min_depth = 4
  local max_depth = min_depth + 2
  if N > min_depth + 2 then max_depth = N end
  local total = check(make_tree(max_depth + 1))
  local long_lived = make_tree(max_depth)
  local d = min_depth
  while d <= max_depth do
    local iterations = pow2(max_depth - d + min_depth)
    for _ = 1, iterations do
      total = total + check(make_tree(d))
    end
    d = d + 2
  end
  total = total + check(long_lived)
  print(string.format("%d", total))
end

main()
