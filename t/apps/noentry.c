/* noentry.c: a shared object that is not a gateway app (no gw_app_entry),
 * for checking that servers refuse it with a clear message. */

int not_an_app(void);

int
not_an_app(void)
{
    return 0;
}
