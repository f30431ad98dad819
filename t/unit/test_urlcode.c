/*
 * test_urlcode.c: percent-decoding (strict) and percent-encoding.
 */

#include "unit.h"


static void
assert_decodes(const char *in, int plus, const char *expect, size_t len)
{
    gw_str_t  out;

    assert_int_equal(gw_url_decode(arena, str(in), plus, &out), GW_OK);
    assert_int_equal(out.len, len);
    assert_memory_equal(out.data, expect, len);
}


static void
assert_encodes(const char *in, const char *safe, const char *expect)
{
    gw_str_t  out;

    assert_int_equal(gw_url_encode(arena, str(in), safe, &out), GW_OK);
    assert_gw_str(&out, expect);
}


static void
test_decode(void **state)
{
    gw_str_t  in, out;

    assert_decodes("abc", 1, "abc", 3);
    assert_decodes("", 1, "", 0);
    assert_decodes("%41%42c", 0, "ABc", 3);
    assert_decodes("%2f%2F", 0, "//", 2);
    assert_decodes("%c3%A9", 0, "\xc3\xa9", 2);
    assert_decodes("a%00b", 0, "a\0b", 3);
    assert_decodes("%25zz", 0, "%zz", 3);

    /* '+' is a space only in query strings and forms */
    assert_decodes("a+b%2B", 1, "a b+", 4);
    assert_decodes("a+b%2B", 0, "a+b+", 4);

    /* nothing to decode: the input itself comes back, no copy */
    in = str("plain/path");
    assert_int_equal(gw_url_decode(arena, in, 1, &out), GW_OK);
    assert_ptr_equal(out.data, in.data);
    assert_int_equal(out.len, in.len);
}


static void
test_decode_rejects_bad_escapes(void **state)
{
    static const char  *bad[] = {
        "%", "%4", "abc%", "%zz", "%G1", "%1G", "a%%41", "%-1", "%4 ", "% 4"
    };
    gw_str_t            out;
    size_t              i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(gw_url_decode(arena, str(bad[i]), 1, &out),
                         GW_ERROR);
    }

    /* the length is respected: "%4" is cut from "%41" */
    {
        gw_str_t  cut = { "%41", 2 };
        assert_int_equal(gw_url_decode(arena, cut, 0, &out), GW_ERROR);
    }
}


static void
test_encode(void **state)
{
    gw_str_t  in, out;

    assert_encodes("", NULL, "");
    assert_encodes("AZaz09-._~", NULL, "AZaz09-._~");
    assert_encodes("a b/c?d=e&f", NULL, "a%20b%2Fc%3Fd%3De%26f");
    assert_encodes("a b/c", "/", "a%20b/c");
    assert_encodes("\xc3\xa9%+", "", "%C3%A9%25%2B");
    assert_encodes("!$'()*+,;:@", "!$'()*+,;:", "!$'()*+,;:%40");

    /* embedded NUL and high bytes */
    in.data = "\0\xff";
    in.len = 2;
    assert_int_equal(gw_url_encode(arena, in, NULL, &out), GW_OK);
    assert_int_equal(out.len, 6);
    assert_memory_equal(out.data, "%00%FF", 6);

    /* nothing to encode: no copy */
    in = str("abc");
    assert_int_equal(gw_url_encode(arena, in, NULL, &out), GW_OK);
    assert_ptr_equal(out.data, in.data);
}


static void
test_roundtrip(void **state)
{
    char      all[256];
    gw_str_t  in, enc, dec;
    int       i;

    for (i = 0; i < 256; i++) {
        all[i] = (char) i;
    }
    in.data = all;
    in.len = sizeof(all);

    assert_int_equal(gw_url_encode(arena, in, "/", &enc), GW_OK);
    assert_int_equal(gw_url_decode(arena, enc, 0, &dec), GW_OK);
    assert_int_equal(dec.len, 256);
    assert_memory_equal(dec.data, all, 256);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode),
        cmocka_unit_test(test_decode_rejects_bad_escapes),
        cmocka_unit_test(test_encode),
        cmocka_unit_test(test_roundtrip),
    };

    return cmocka_run_group_tests(tests, setup_arena, teardown_arena);
}
