# lang suite: N integer keys (spread over [0, 2^32) so that no table keeps them in an array part)
# inserted into a dict, then each looked up and the values summed. The odd multiplier keeps the keys
# distinct; the product i * 40499977 stays below 2^47 for N < 3.47M, so it is exact in LuaJIT's
# doubles and a small integer everywhere (spl's VM boxes integers beyond 48 bits).
import sys

N = 1000000
if len(sys.argv) > 1:
    N = int(sys.argv[1])


def main():
    d = {}
    for i in range(N):
        d[(i * 40499977) % 4294967296] = i
    s = 0
    for i in range(N):
        s = s + d[(i * 40499977) % 4294967296]
    print(s)


main()
