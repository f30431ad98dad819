#!/usr/bin/python3
"""Writes gateway/template/casing.h: the characters whose case mappings in
Python differ from glibc's one-character towupper()/towlower(), so that
upper(), lower(), capitalize(), title() and swapcase() give Python's
strings.  Python has the full mappings of Unicode's SpecialCasing (sharp s
upper-cases to "SS", the fi ligature to "FI"), and title case, which is not
upper case for the digraphs (U+01C6 titles to U+01C5) and for Greek with
ypogegrammeni.  Run after Debian's python3 or glibc moves to a new Unicode:

    /usr/bin/python3 t/template/gen_casing.py
"""

import ctypes
import ctypes.util
import os
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "gateway", "template", "casing.h")
LC_CTYPE = 0


def c_string(s):
    if s is None:
        return "NULL"
    return '"' + "".join("\\x%02x" % b for b in s.encode("utf-8")) + '"'


def main():
    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    libc.setlocale.restype = ctypes.c_char_p
    if libc.setlocale(LC_CTYPE, b"C.UTF-8") is None:
        raise SystemExit("gen_casing: no C.UTF-8 locale")
    libc.towupper.restype = ctypes.c_uint32
    libc.towlower.restype = ctypes.c_uint32

    rows = []
    for c in range(0x80, 0x110000):
        if 0xd800 <= c < 0xe000:
            continue
        ch = chr(c)
        up, low, title = ch.upper(), ch.lower(), ch.title()
        glibc_up = chr(libc.towupper(c))
        glibc_low = chr(libc.towlower(c))
        is_title = unicodedata.category(ch) == "Lt"
        if up == glibc_up and low == glibc_low and title == up \
                and not is_title:
            continue
        rows.append("    { 0x%04x, %s, %s, %s, %d }," % (
            c, c_string(up if up != glibc_up else None),
            c_string(low if low != glibc_low else None),
            c_string(title if title != up else None), is_title))

    with open(OUT, "w") as f:
        f.write("""/*
 * casing.h: where Python's case mappings are not glibc's (written by
 * t/template/gen_casing.py with Python's Unicode %s; do not edit).  Each
 * row: the character, then its upper, lower and title case as UTF-8 where
 * they differ from towupper()/towlower() (title: from upper), NULL where
 * not, and whether it is itself title case (swapcase() leaves those).
 */

static const struct {
    uint32_t     cp;
    const char  *upper;
    const char  *lower;
    const char  *title;
    int          is_title;
} tmpl_casing[] = {
%s
};
""" % (unicodedata.unidata_version, "\n".join(rows)))
    print("%d rows written to %s" % (len(rows), os.path.relpath(OUT)))


if __name__ == "__main__":
    main()
