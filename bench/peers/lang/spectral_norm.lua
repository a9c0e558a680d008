-- lang suite: spectral norm of the infinite matrix A(i, j) = 1 / ((i+j)(i+j+1)/2 + i + 1),
-- truncated to N x N, by 10 power iterations of A^T A. Checksum: the norm times 1e9, truncated.
-- i and j are 0-based as in the other languages; arrays are 1-based tables.
local N = 500
if arg and arg[1] then N = tonumber(arg[1]) end

local sqrt = math.sqrt

-- (i+j)(i+j+1) is even, so the float division by 2 is exact (no // in LuaJIT).
local function eval_a(i, j)
  return 1.0 / ((i + j) * (i + j + 1) / 2 + i + 1)
end

local function mul_av(n, v)
  local out = {}
  for i = 0, n - 1 do
    local s = 0.0
    for j = 0, n - 1 do
      s = s + eval_a(i, j) * v[j + 1]
    end
    out[i + 1] = s
  end
  return out
end

local function mul_atv(n, v)
  local out = {}
  for i = 0, n - 1 do
    local s = 0.0
    for j = 0, n - 1 do
      s = s + eval_a(j, i) * v[j + 1]
    end
    out[i + 1] = s
  end
  return out
end

local function mul_atav(n, v)
  return mul_atv(n, mul_av(n, v))
end

local function trunc(x)
  if x >= 0 then return math.floor(x) end
  return -math.floor(-x)
end

local function main()
  local n = N
  local u = {}
  for i = 1, n do
    u[i] = 1.0
  end
  local v = u
  for _ = 1, 10 do
    v = mul_atav(n, u)
    u = mul_atav(n, v)
  end
  local vbv = 0.0
  local vv = 0.0
  for i = 1, n do
    vbv = vbv + u[i] * v[i]
    vv = vv + v[i] * v[i]
  end
  print(string.format("%d", trunc(sqrt(vbv / vv) * 1e9)))
end

main()
