# lang suite: N integer keys (spread over [0, 2^32) so that no table keeps them in an array part)
# inserted into a dict, then each looked up and the values summed. Keys stay below 2^53 for
# N < 3.39M (LuaJIT's doubles).
import sys

N = 1000000
if len(sys.argv) > 1:
    N = int(sys.argv[1])


def main():
    d = {}
    for i in range(N):
        d[(i * 2654435761) % 4294967296] = i
    s = 0
    for i in range(N):
        s = s + d[(i * 2654435761) % 4294967296]
    print(s)


main()
