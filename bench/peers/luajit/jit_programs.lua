-- The programs of the jit suite (fib, numeric loop, quicksort) for LuaJIT; same algorithms and
-- inputs as spl/jit/testdata/{fib,numeric,sort}.ir. One JSON line per figure, best of
-- SPL_BENCH_REPS runs (docs/benchmarks.md). Arrays are 0-based like the IR versions.
local reps = tonumber(os.getenv("SPL_BENCH_REPS") or "5")
if reps < 1 then reps = 1 end

local function fib(n)
  if n < 2 then return n end
  return fib(n - 1) + fib(n - 2)
end

local function numeric_loop(n, m)
  local acc = 0
  for i = 0, n - 1 do acc = (acc + i * i) % m end
  return acc
end

local function insertion_sort(a, lo, hi)
  for i = lo + 1, hi do
    local key = a[i]
    local j = i
    while j > lo and a[j - 1] > key do
      a[j] = a[j - 1]
      j = j - 1
    end
    a[j] = key
  end
end

local function quicksort(a, l, h)
  while true do
    local len = h - l
    if len < 16 then
      insertion_sort(a, l, h)
      return
    end
    local m = l + math.floor(len / 2)
    local vm = a[m]
    a[m] = a[h]
    a[h] = vm
    local store_at = l
    for i = l, h - 1 do
      local vi = a[i]
      if vi < vm then
        a[i] = a[store_at]
        a[store_at] = vi
        store_at = store_at + 1
      end
    end
    a[h] = a[store_at]
    a[store_at] = vm
    quicksort(a, l, store_at - 1)
    l = store_at + 1
  end
end

-- The same 64-bit LCG as the other peers, with LuaJIT's 64-bit unsigned cdata integers.
local function fill(a, n)
  local x = 42ULL
  for i = 0, n - 1 do
    x = x * 6364136223846793005ULL + 1442695040888963407ULL
    a[i] = tonumber(x / 8589934592ULL)
  end
end

local best_fib, best_loop, best_sort = math.huge, math.huge, math.huge
local n = 1000000
local data = {}
for _ = 1, reps do
  local t = os.clock()
  local r = fib(40)
  t = os.clock() - t
  assert(r == 102334155)
  if t < best_fib then best_fib = t end

  t = os.clock()
  numeric_loop(50000000, 1000003)
  t = os.clock() - t
  if t < best_loop then best_loop = t end

  fill(data, n)
  t = os.clock()
  quicksort(data, 0, n - 1)
  t = os.clock() - t
  for i = 1, n - 1 do assert(data[i - 1] <= data[i]) end
  if t < best_sort then best_sort = t end
end
print(string.format('{"figure": "fib40", "unit": "s", "value": %.6f, "n": 40}', best_fib))
print(string.format('{"figure": "numeric_loop", "unit": "s", "value": %.6f, "n": 50000000}', best_loop))
print(string.format('{"figure": "sort_1M", "unit": "s", "value": %.6f, "n": 1000000}', best_sort))
