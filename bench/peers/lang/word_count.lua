-- lang suite: N words drawn from a fixed vocabulary by the Park-Miller LCG
-- (seed = seed * 16807 mod 2^31-1, exact in 53 bits), counted in a table.
-- Checksum: sum over the vocabulary of count * (index + 1), index 0-based as in the others.
local N = 2000000
if arg and arg[1] then N = tonumber(arg[1]) end

local VOCAB = {"the", "of", "and", "to", "in", "is", "you", "that", "it", "he",
               "was", "for", "on", "are", "as", "with", "his", "they", "at", "be",
               "this", "have", "from", "or", "one", "had", "by", "word", "but", "not",
               "what", "all", "were", "we", "when", "your", "can", "said", "there", "use",
               "an", "each", "which", "she", "do", "how", "their", "if", "will", "up",
               "other", "about", "out", "many", "then", "them", "these", "so", "some", "her",
               "would", "make", "like", "him"}

local function main()
  local v = #VOCAB
  local counts = {}
  local seed = 42
  for i = 0, N - 1 do
    seed = (seed * 16807) % 2147483647
    local w = VOCAB[seed % v + 1]
    local c = counts[w]
    if c then
      counts[w] = c + 1
    else
      counts[w] = 1
    end
  end
  local total = 0
  for i = 0, v - 1 do
    local c = counts[VOCAB[i + 1]]
    if c then
      total = total + c * (i + 1)
    end
  end
  print(string.format("%d", total))
end

main()
