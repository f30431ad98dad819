#!/usr/bin/python3
"""Writes t/unit/json_cases.h: values and the bytes Python's json.dumps
gives them with Flask 2.2 jsonify's settings (sort_keys, ensure_ascii,
separators (",", ":")), for test_json.c.  Each value travels to C as the
JSON text json.dumps writes with its defaults, which jansson reads.

    python3 t/unit/gen_json_cases.py > t/unit/json_cases.h
"""

import json
import math

VALUES = [
    None, True, False, 0, -1, 1, 9223372036854775807, -9223372036854775808,
    0.0, -0.0, 0.1, 0.5, 1.0, -2.5, 100.0, 1e15, 1e16, 1.5e16, 1e22, 1e23,
    1e-4, 1e-5, 1.5e-7, 123456.789, 123456789.123, 3.141592653589793,
    2.718281828459045e-100, 5e-324, 2.2250738585072014e-308,
    1.7976931348623157e308, 0.30000000000000004, 1 / 3, 2 ** 53 + 0.0,
    9007199254740993.0, 1234567890123456789.0, 4.35, 0.07, 12.3e10,
    "", "plain ascii text longer than eight bytes", "a\"b\\c/d",
    "\b\f\n\r\t\x00\x01\x1f\x7f", "caf\u00e9", "\u20ac and \u2028",
    "\U0001f600 emoji", "\ud7ff\ue000\uffff", "x" * 40 + "\u00e9" + "y" * 9,
    [], {}, [[]], [{}], [1, "a", None, [True, {"k": 2.5}]],
    {"b": 1, "a": 2, "c": 3},
    {"z": 1, "Z": 2, "\u00e9": 3, "e": 4, "": 5, "ab": 6, "a": 7,
     "\U0001f600": 8, "\uffff": 9},
    {k: i for i, k in enumerate("qwertyuiopasdfghjklzxcvbnm0123456789")},
    {"nested": {"y": [1, 2, {"b": None, "a": False}], "x": "\t"}},
]


def c_string(b):
    out = []
    for ch in b:
        if ch in b'"\\':
            out.append("\\" + chr(ch))
        elif 0x20 <= ch < 0x7f and ch != ord("?"):
            out.append(chr(ch))
        else:
            out.append("\\%03o" % ch)
    return '"' + "".join(out) + '"'


def main():
    print("/* json_cases.h: written by t/unit/gen_json_cases.py from Python's"
          "\n * json.dumps; do not edit. */\n")
    print("static const struct {\n    const char  *in;      "
          "/* json.dumps(v) */\n    const char  *out;     "
          "/* as Flask's jsonify, without the newline */\n"
          "} json_dump_cases[] = {")
    for v in VALUES:
        assert not (isinstance(v, float) and math.isnan(v))
        src = json.dumps(v).encode()
        out = json.dumps(v, sort_keys=True, ensure_ascii=True,
                         separators=(",", ":")).encode()
        print("    { %s,\n      %s }," % (c_string(src), c_string(out)))
    print("};")


main()
