# lang suite: a counted loop of integer arithmetic; every value stays below 2^53 (LuaJIT).
import sys

N = 50000000
if len(sys.argv) > 1:
    N = int(sys.argv[1])


def main():
    s = 0
    for i in range(N):
        s = (s * 3 + i * 7) % 1000003
    print(s)


main()
