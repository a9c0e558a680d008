# lang suite: N closures created, each capturing its own k, kept in batches of 1000 and then
# called in order, each call feeding the next. A default argument binds k per closure (a plain
# lambda in the loop would share the variable and every closure would see the last k).
import sys

N = 1000000
if len(sys.argv) > 1:
    N = int(sys.argv[1])
BATCH = 1000


def main():
    s = 0
    fs = []
    for i in range(N):
        k = i % 1000
        fs.append(lambda x, k=k: (x * 3 + k) % 1000003)
        if len(fs) == BATCH or i == N - 1:
            for f in fs:
                s = f(s)
            fs = []
    print(s)


main()
