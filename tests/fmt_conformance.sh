#!/usr/bin/env bash
# Formats a copy of the conformance programs with `spl fmt` and runs the conformance suite on the
# copy: formatting must not change what any program prints or how it exits.
# Usage: fmt_conformance.sh CONFORMANCE_DIR SPL
set -u
src=$1
spl=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$src" "$tmp/conformance"
formatted=0
refused=0
while IFS= read -r -d '' f; do
  "$spl" fmt "$f" 2>/dev/null
  case $? in
    0) formatted=$((formatted + 1)) ;;
    2) refused=$((refused + 1)) ;;  # a program with syntax errors on purpose (or a parser gap) stays as written
    *) echo "spl fmt $f: unexpected exit code"; exit 1 ;;
  esac
done < <(find "$tmp/conformance" -name '*.spl' -print0)
echo "formatted $formatted program(s), $refused refused"
if ! diff -r -q "$src" "$tmp/conformance" >/dev/null; then
  echo "changed by spl fmt:"
  diff -r -q "$src" "$tmp/conformance" | sed 's/^/  /'
fi
[[ $formatted -gt 300 ]] || { echo "too few programs formatted"; exit 1; }
bash "$tmp/conformance/run.sh" "$tmp/conformance" "$spl"
