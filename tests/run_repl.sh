#!/usr/bin/env bash
# Runs a scripted `spl repl` session (tests/repl/session.in) and checks what it prints: values of
# expressions and program output on stdout (session.out), and that a panic and a compile error
# are reported on stderr without ending the session.
# Usage: run_repl.sh ROOT SPL
set -u
root=$1
spl=$2
out=$(mktemp)
err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
"$spl" repl < "$root/tests/repl/session.in" > "$out" 2> "$err"
code=$?
status=0
if [[ $code -ne 0 ]]; then echo "spl repl exited with $code"; status=1; fi
if ! diff -u "$root/tests/repl/session.out" "$out"; then echo "stdout differs (above)"; status=1; fi
grep -q "panic: division by zero" "$err" || { echo "no panic on stderr:"; cat "$err"; status=1; }
grep -q "undefined_name" "$err" || { echo "no compile error on stderr:"; cat "$err"; status=1; }
[[ $status -eq 0 ]] && echo "repl session passed"
exit $status
