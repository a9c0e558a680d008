#!/usr/bin/env python3
"""Checks of bench/compare that need no build: how it reads our benchmark binaries' JSON."""

import importlib.machinery
import importlib.util
import json
import stat
import sys
import tempfile
import unittest
from pathlib import Path

sys.dont_write_bytecode = True
HERE = Path(__file__).resolve().parent


def load_compare():
    loader = importlib.machinery.SourceFileLoader("compare", str(HERE / "compare"))
    spec = importlib.util.spec_from_loader("compare", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


compare = load_compare()


def fake_binary(directory, benchmarks):
    """A program that prints a Google Benchmark JSON report with these entries."""
    path = Path(directory) / "fake_bench"
    report = json.dumps({"context": {}, "benchmarks": benchmarks})
    path.write_text(f"#!/bin/sh\ncat <<'EOF'\n{report}\nEOF\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


class RunOurs(unittest.TestCase):
    def run_fake(self, benchmarks):
        with tempfile.TemporaryDirectory() as d:
            binary = fake_binary(d, benchmarks)
            saved = compare.BUILD
            compare.BUILD = Path(d)
            try:
                return compare.run_ours({"path": binary.name}, 1, "")
            finally:
                compare.BUILD = saved

    def test_rows_are_read(self):
        rows = self.run_fake([{"name": "fib/40", "run_name": "fib/40", "run_type": "iteration",
                               "label": "ns/op", "value": 12.5}])
        self.assertEqual(rows, [{"figure": "fib", "unit": "ns/op", "value": 12.5, "n": 40}])

    # A benchmark that found a wrong result calls SkipWithError: its row used to vanish from
    # the table while the run passed.
    def test_an_error_fails_the_run(self):
        with self.assertRaisesRegex(RuntimeError, "wrong fib"):
            self.run_fake([
                {"name": "ok", "run_name": "ok", "run_type": "iteration", "label": "ns/op", "value": 1.0},
                {"name": "fib", "run_name": "fib", "run_type": "iteration", "error_occurred": True,
                 "error_message": "wrong fib(40)"},
            ])


class Repetitions(unittest.TestCase):
    # The table reports the first repetition beside the best: warm pools can flatter the best.
    def test_first_and_best(self):
        rows = [{"figure": "a", "value": 9.0}, {"figure": "b", "value": 4.0},
                {"figure": "a", "value": 5.0}, {"figure": "a", "value": 7.0}]
        self.assertEqual(compare.first_of(rows), {"a": 9.0, "b": 4.0})
        self.assertEqual(compare.best_of(rows)["a"]["value"], 5.0)


if __name__ == "__main__":
    unittest.main()
