-- lang suite: an empty program (process start, load, one print).
print(0)
