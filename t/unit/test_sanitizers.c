/*
 * test_sanitizers.c: the sanitizer build stops at the first report of any
 * kind, float-to-integer overflow included (gcc's "undefined" leaves it
 * out), so that no report can scroll by in a passing run.  In the normal
 * build the same child runs to its end.
 */

#include "unit.h"

#include <sys/wait.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED  1
#else
#define SANITIZED  0
#endif


/* Runs fn in a child with stderr to /dev/null; its wait status. */
static int
in_child(void (*fn)(void))
{
    pid_t  pid;
    int    status;

    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (freopen("/dev/null", "w", stderr) == NULL) {
            _exit(3);
        }
        fn();
        _exit(0);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return status;
}


static volatile double  big = 1e30;
static volatile int     sink;

static void
float_cast(void)
{
    sink = (int) big;
}


static volatile int  top = 2147483647;

static void
int_overflow(void)
{
    sink = top + 1;
}


static void
test_reports_stop_the_program(void **state)
{
    void  (*fn[])(void) = { float_cast, int_overflow };
    size_t  i;
    int     status;

    for (i = 0; i < sizeof(fn) / sizeof(fn[0]); i++) {
        status = in_child(fn[i]);
        if (SANITIZED) {
            assert_false(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        } else {
            assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        }
    }
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reports_stop_the_program),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
