# lang suite: spectral norm of the infinite matrix A(i, j) = 1 / ((i+j)(i+j+1)/2 + i + 1),
# truncated to N x N, by 10 power iterations of A^T A. Checksum: the norm times 1e9, truncated.
import sys
from math import sqrt

N = 500
if len(sys.argv) > 1:
    N = int(sys.argv[1])


def eval_a(i, j):
    return 1.0 / ((i + j) * (i + j + 1) // 2 + i + 1)


def mul_av(n, v):
    out = []
    for i in range(n):
        s = 0.0
        for j in range(n):
            s = s + eval_a(i, j) * v[j]
        out.append(s)
    return out


def mul_atv(n, v):
    out = []
    for i in range(n):
        s = 0.0
        for j in range(n):
            s = s + eval_a(j, i) * v[j]
        out.append(s)
    return out


def mul_atav(n, v):
    return mul_atv(n, mul_av(n, v))


def main():
    n = N
    u = []
    for i in range(n):
        u.append(1.0)
    v = u
    for _ in range(10):
        v = mul_atav(n, u)
        u = mul_atav(n, v)
    vbv = 0.0
    vv = 0.0
    for i in range(n):
        vbv = vbv + u[i] * v[i]
        vv = vv + v[i] * v[i]
    print(int(sqrt(vbv / vv) * 1e9))


main()
