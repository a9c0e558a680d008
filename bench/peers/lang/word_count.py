# lang suite: N words drawn from a fixed vocabulary by the Park-Miller LCG
# (seed = seed * 16807 mod 2^31-1, exact in 53 bits), counted in a dict.
# Checksum: sum over the vocabulary of count * (index + 1).
import sys

N = 2000000
if len(sys.argv) > 1:
    N = int(sys.argv[1])

VOCAB = ["the", "of", "and", "to", "in", "is", "you", "that", "it", "he",
         "was", "for", "on", "are", "as", "with", "his", "they", "at", "be",
         "this", "have", "from", "or", "one", "had", "by", "word", "but", "not",
         "what", "all", "were", "we", "when", "your", "can", "said", "there", "use",
         "an", "each", "which", "she", "do", "how", "their", "if", "will", "up",
         "other", "about", "out", "many", "then", "them", "these", "so", "some", "her",
         "would", "make", "like", "him"]


def main():
    v = len(VOCAB)
    counts = {}
    seed = 42
    for i in range(N):
        seed = (seed * 16807) % 2147483647
        w = VOCAB[seed % v]
        c = counts.get(w)
        if c is not None:
            counts[w] = c + 1
        else:
            counts[w] = 1
    total = 0
    for i in range(v):
        w = VOCAB[i]
        if w in counts:
            total = total + counts[w] * (i + 1)
    print(total)


main()
