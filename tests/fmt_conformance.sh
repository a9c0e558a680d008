#!/usr/bin/env bash
# Re-indents copies of the conformance programs (every line's indentation doubled: 4 spaces a
# level become 8, which keeps every program's meaning), formats them with `spl fmt`, and runs the
# conformance suite on the copies: formatting must not change what any program prints or how it
# exits. Programs with multi-line strings or comments are copied as they are (doubling would
# change the text inside), and formatted all the same.
# Usage: fmt_conformance.sh CONFORMANCE_DIR SPL
set -u
src=$1
spl=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$src" "$tmp/conformance"
formatted=0
refused=0
reindented=0
while IFS= read -r -d '' f; do
  if ! grep -q -e '"""' -e '/\*' -e 'm{' "$f"; then
    sed -i 's/^\([ \t]*\)/\1\1/' "$f"
    reindented=$((reindented + 1))
  fi
  "$spl" fmt "$f" 2>/dev/null
  case $? in
    0) formatted=$((formatted + 1)) ;;
    2) refused=$((refused + 1)) ;;  # a program with syntax errors on purpose (or a parser gap)
    *) echo "spl fmt $f: unexpected exit code"; exit 1 ;;
  esac
done < <(find "$tmp/conformance" -name '*.spl' -print0)
echo "re-indented $reindented program(s); formatted $formatted, $refused refused"
[[ $formatted -gt 300 ]] || { echo "too few programs formatted"; exit 1; }
# Re-indented and formatted, a program is back to its canonical text unless it has continuation
# lines (those keep their doubled offset) or was refused.
same=0
while IFS= read -r -d '' f; do
  rel=${f#"$tmp/conformance/"}
  if cmp -s "$f" "$src/$rel"; then same=$((same + 1)); fi
done < <(find "$tmp/conformance" -name '*.spl' -print0)
echo "$same program(s) came back to their text in the repository"
[[ $same -gt 350 ]] || { echo "too few programs came back to their text"; exit 1; }
bash "$tmp/conformance/run.sh" "$tmp/conformance" "$spl"
