#!/usr/bin/env python3
"""Tests of scripts/gen_regmap.py's checks: the docs/dmac-spec.md register tables
against rtl/regmap/dmac_regmap.json (silent on the repository's spec, one
problem for each kind of disagreement), and the window size rules.
Python 3 standard library only: python3 scripts/test_gen_regmap.py"""
import copy
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_regmap  # noqa: E402

SPEC = os.path.join(gen_regmap.ROOT, "docs", "dmac-spec.md")


class SpecTables(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.rm = gen_regmap.load(gen_regmap.DEFAULT_JSON)
        with open(SPEC, encoding="utf-8") as f:
            cls.text = f.read()

    def problems(self, old, new):
        self.assertIn(old, self.text, "the test's anchor is no longer in the spec")
        return gen_regmap.check_spec(self.rm, self.text.replace(old, new, 1))

    def test_the_spec_agrees_with_the_json(self):
        self.assertEqual(gen_regmap.check_spec(self.rm, self.text), [])

    def test_each_disagreement_is_reported(self):
        cases = [
            ("| 0x0C | `ERR_ADDR` |", "| 0x0D | `ERR_ADDR` |", "ERR_ADDR at 0x0D"),
            ("[11:8] `ERR_CODE`", "[12:8] `ERR_CODE`", "field ERR_CODE is [12:8]"),
            ("[2] `PRIO`", "[2] `PRIORITY`", "field PRIORITY is not in the JSON"),
            ("| 0x20 | `IRQ_STATUS` | R/W1C |", "| 0x20 | `IRQ_STATUS` | RW |", "IRQ_STATUS is RW"),
            ("`CAPS0` (0x008", "`CAPS0` (0x00C", "CAPS0 at 0x00C"),
            ("[15:8] request lines", "[14:8] request lines", "global register CAPS0: bits"),
            ("`0x100 + n*0x40`", "`0x100 + n*0x80`", "channel block"),
            ("7 `DESC_REQ`", "9 `DESC_REQ`", "DESC_REQ is 9"),
            ("| 0x08 | `NEXT` |", "| 0x0C | `NEXT` |", "NEXT at 0x0C"),
            ("| 15:8 | `BURST` |", "| 16:8 | `BURST` |", "field BURST is [16:8]"),
            ("0 MEM2MEM, 1 MEM2PER", "0 MEM2MEM, 3 MEM2PER", "MEM2PER is 3"),
            ("0 IDLE, 1 ACTIVE", "0 IDLE, 2 ACTIVE", "ACTIVE is 2"),
            ("(32 bytes, 32-byte aligned", "(16 bytes, 32-byte aligned", "descriptor heading"),
        ]
        for old, new, want in cases:
            with self.subTest(old=old):
                found = self.problems(old, new)
                self.assertTrue(any(want in p for p in found), found)

    def test_a_missing_row_is_reported(self):
        row = next(l for l in self.text.splitlines() if l.startswith("| 0x24 | `TC_COUNT`"))
        found = self.problems(row + "\n", "")
        self.assertEqual(found, ["channel register TC_COUNT is missing"])


class Window(unittest.TestCase):
    def test_window_rules(self):
        rm = gen_regmap.load(gen_regmap.DEFAULT_JSON)
        gen_regmap.check(rm)  # the repository's: silent
        for bad in (0x3000, 0x400):  # not a power of two; too small for 16 channels
            with self.subTest(window=bad):
                r = copy.deepcopy(rm)
                r["window_bytes"] = bad
                with self.assertRaises(SystemExit) as e:
                    gen_regmap.check(r)
                self.assertIn("window_bytes", str(e.exception))

    def test_the_header_carries_the_window(self):
        rm = gen_regmap.load(gen_regmap.DEFAULT_JSON)
        self.assertIn(f"0x{gen_regmap.num(rm['window_bytes']):X}u", next(
            l for l in gen_regmap.gen_header(rm).splitlines() if l.startswith("#define DMAC_WINDOW_BYTES")))


if __name__ == "__main__":
    unittest.main()
