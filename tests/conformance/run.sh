#!/usr/bin/env bash
# Conformance runner: run.sh DIR SPL
#
# Runs every .spl file under DIR (spec files *_spec.spl included) with `SPL run FILE`,
# from the file's own directory, and checks:
#   - stdout equals <name>.out exactly (a missing .out means empty stdout),
#   - the exit code equals <name>.exit (default 0),
#   - the first line of stderr starts with the first line of <name>.err, when that file exists
#     (a prefix, so messages may add detail such as a frame count).
# Prints one line per failing program (with a short diff excerpt), then a last line
# "N passed, M failed"; exits 1 when M > 0.
# Programs listed in known_failures.txt (path, then `#` and the reason) are expected to fail until
# the VM or parser supports them: they are reported but not counted as failures, and one that
# passes is a failure ("now passes: remove it from known_failures.txt").
# Environment: SPL_TIMEOUT (seconds per program, default 20), FILTER (substring of the path).

set -u
if [ $# -ne 2 ]; then
  echo "usage: run.sh DIR SPL" >&2
  exit 2
fi
dir=$(cd "$1" && pwd) || exit 2
spl=$2
case "$spl" in /*) ;; *) spl="$(pwd)/$spl" ;; esac
if [ ! -x "$spl" ]; then
  echo "run.sh: $spl is not an executable" >&2
  exit 2
fi
limit=${SPL_TIMEOUT:-20}
filter=${FILTER:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

passed=0
failed=0
known=0
declare -A known_failures=()
if [ -f "$dir/known_failures.txt" ]; then
  while IFS= read -r line; do
    path=${line%%#*}
    path=${path//[[:space:]]/}
    [ -n "$path" ] && known_failures[$path]=${line#*#}
  done < "$dir/known_failures.txt"
fi
while IFS= read -r -d '' file; do
  rel=${file#"$dir"/}
  if [ -n "$filter" ] && [[ "$rel" != *"$filter"* ]]; then continue; fi
  base=${file%.spl}
  want_out=$base.out
  want_exit=0
  [ -f "$base.exit" ] && want_exit=$(tr -d ' \t\r\n' < "$base.exit")
  (cd "$(dirname "$file")" && timeout "$limit" "$spl" run "$(basename "$file")" \
      > "$tmp/out" 2> "$tmp/err" < /dev/null)
  code=$?
  problems=()
  if [ "$code" -eq 124 ]; then
    problems+=("timed out after ${limit}s")
  elif [ "$code" != "$want_exit" ]; then
    first=$(head -n 1 "$tmp/err")
    problems+=("exit $code, expected $want_exit${first:+ (stderr: $first)}")
  fi
  if [ -f "$want_out" ]; then
    cmp -s "$want_out" "$tmp/out" || problems+=("stdout differs: $(diff "$want_out" "$tmp/out" | grep '^[<>]' | head -n 4 | tr '\n' '|' | cut -c1-300)")
  elif [ -s "$tmp/out" ]; then
    problems+=("unexpected stdout: $(head -n 2 "$tmp/out" | tr '\n' '|' | cut -c1-200)")
  fi
  if [ -f "$base.err" ]; then
    want_err=$(head -n 1 "$base.err")
    got_err=$(head -n 1 "$tmp/err")
    [[ "$got_err" == "$want_err"* ]] || problems+=("stderr: expected '$want_err', got '$got_err'")
  fi
  if [ -n "${known_failures[$rel]+x}" ]; then
    if [ ${#problems[@]} -eq 0 ]; then
      failed=$((failed + 1))
      echo "FAIL $rel: now passes: remove it from known_failures.txt"
    else
      known=$((known + 1))
      echo "known failure $rel:${known_failures[$rel]}"
    fi
  elif [ ${#problems[@]} -eq 0 ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    msg=""
    for p in "${problems[@]}"; do msg+="${msg:+; }$p"; done
    echo "FAIL $rel: $msg"
  fi
done < <(find "$dir" -name '*.spl' -type f -print0 | sort -z)

echo "($known known failures, listed in known_failures.txt)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
