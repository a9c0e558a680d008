# lang suite: binary trees (allocate and walk complete trees). A node is a fresh tuple
# (left, right); a leaf is a fresh (None, None) built from variables, since a literal
# (None, None) is one shared constant in CPython and would skip the leaf allocations.
# Checksum: the sum of every check (stretch tree, each depth's trees, the long-lived tree).
import sys

N = 16
if len(sys.argv) > 1:
    N = int(sys.argv[1])


def make_tree(d):
    if d == 0:
        left = None
        right = None
    else:
        left = make_tree(d - 1)
        right = make_tree(d - 1)
    return (left, right)


def check(t):
    left, right = t
    if left is None:
        return 1
    return 1 + check(left) + check(right)


def pow2(k):
    p = 1
    for _ in range(k):
        p = p * 2
    return p


def main():
    min_depth = 4
    max_depth = N if N > min_depth + 2 else min_depth + 2
    total = check(make_tree(max_depth + 1))
    long_lived = make_tree(max_depth)
    d = min_depth
    while d <= max_depth:
        iterations = pow2(max_depth - d + min_depth)
        for _ in range(iterations):
            total = total + check(make_tree(d))
        d = d + 2
    total = total + check(long_lived)
    print(total)


main()
