# lang suite: recursive Fibonacci. Same program as bench/lang/fib.spl and fib.lua.
import sys

N = 32
if len(sys.argv) > 1:
    N = int(sys.argv[1])


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def main():
    result = fib(N)
    print(result)


main()
