/*
 * test_locale.c: an app that puts the process in a comma-decimal locale
 * still prints Python's numbers: jsonify, templates (literals, output,
 * format, round, float) and url_for all run in the C locale for numbers.
 * The locale comes from build/locale (made by localedef for this test).
 */

#include "fw_test.h"

#include <locale.h>
#include <stdio.h>


/* glibc keeps the LOCPATH it was given for good; that is not ours */
const char *__lsan_default_suppressions(void);

const char *
__lsan_default_suppressions(void)
{
    return "leak:argz_add_sep\n";
}


static void
get(gw_loaded_app_t *h, const char *path, const char *expect)
{
    fw_call_t  *c;
    gw_buf_t    body;
    size_t      i;

    c = fw_new("GET", path, NULL);
    gw_loader_call(h, &c->env, &c->resp);
    assert_int_equal(c->resp.status, 200);
    gw_buf_init(&body, c->arena, 0);
    for (i = 0; i < c->resp.nbody; i++) {
        gw_buf_append(&body, c->resp.body[i].data, c->resp.body[i].len);
    }
    assert_int_equal(gw_buf_putc(&body, '\0'), GW_OK);
    assert_string_equal(body.data, expect);
    fw_free(c);
}


static void
test_numbers_in_a_comma_locale(void **state)
{
    gw_loaded_app_t   h;
    gw_config_item_t  cfg[] = { { "LOCALE", "de_DE.UTF-8" } };
    char              err[512], buf[32];

    assert_int_equal(setenv("LOCPATH", build_path("locale"), 1), 0);
    assert_int_equal(gw_loader_open(&h, build_path("t/apps/numbers.so"),
                                    cfg, 1, "test", err, sizeof(err)),
                     GW_OK);

    /* the app's setlocale() took: this thread prints a comma now */
    snprintf(buf, sizeof(buf), "%.1f", 1.5);
    assert_string_equal(buf, "1,5");

    get(&h, "/j", "{\"x\":0.30000000000000004,\"y\":1.5,\"z\":1e-07}\n");
    get(&h, "/n", "5.0 0.30000000000000004 0.30 0.3 1.25");
    get(&h, "/u/0.5", "/u/0.30000000000000004");

    /* and the process keeps the locale the app chose */
    snprintf(buf, sizeof(buf), "%.1f", 1.5);
    assert_string_equal(buf, "1,5");

    gw_loader_close(&h);
    setlocale(LC_ALL, "C");
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers_in_a_comma_locale),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
