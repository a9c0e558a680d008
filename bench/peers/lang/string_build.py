# lang suite: N numbers converted to text and joined with ","; the checksum is the length.
import sys

N = 1000000
if len(sys.argv) > 1:
    N = int(sys.argv[1])


def main():
    parts = []
    for i in range(N):
        parts.append(str(i * 7))
    s = ",".join(parts)
    print(len(s))


main()
