-- lang suite: recursive Fibonacci. Same program as bench/lang/fib.spl and fib.py.
-- Runs under lua5.4 and luajit; integers are printed with %d (LuaJIT's print uses %.14g).
local N = 32
if arg and arg[1] then N = tonumber(arg[1]) end

local function fib(n)
  if n < 2 then return n end
  return fib(n - 1) + fib(n - 2)
end

local function main()
  local result = fib(N)
  print(string.format("%d", result))
end

main()
