/*
 * test_app.c: the site's tests, run in-process through the test client
 * (gw_testing.h, Flask's app.test_client()): no nginx needed.
 *
 *     ./test_app ./app.so
 */

#include <gateway.h>

#include <stdio.h>
#include <string.h>

static int  failed;

#define CHECK(cond)                                                          \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,           \
                    __LINE__, #cond);                                         \
            failed++;                                                         \
        }                                                                     \
    } while (0)


static void
test_home(gw_test_client_t *client)
{
    gw_test_response_t  *r = gw_test_client_get(client, "/?name=C%20coder");

    CHECK(r != NULL && r->status == 200);
    CHECK(r != NULL && strstr(r->body, "Hello, C coder!") != NULL);
    CHECK(r != NULL && strstr(r->body, "/static/style.css") != NULL);
    gw_test_response_free(r);
}


static void
test_api(gw_test_client_t *client)
{
    gw_test_response_t  *r = gw_test_client_get(client, "/api/hello/nginx");
    json_t              *json = r ? gw_test_response_json(r) : NULL;
    const char          *type, *name;

    type = r ? gw_test_response_header(r, "Content-Type", 0) : NULL;
    name = json_string_value(json_object_get(json, "name"));
    CHECK(r != NULL && r->status == 200);
    CHECK(type != NULL && strcmp(type, "application/json") == 0);
    CHECK(name != NULL && strcmp(name, "nginx") == 0);
    json_decref(json);
    gw_test_response_free(r);
}


static void
test_not_found(gw_test_client_t *client)
{
    gw_test_response_t  *r = gw_test_client_get(client, "/nowhere");

    CHECK(r != NULL && r->status == 404);
    gw_test_response_free(r);
}


int
main(int argc, char **argv)
{
    gw_test_client_t  *client;
    char               error[1024];

    client = gw_test_client_open(argc > 1 ? argv[1] : "./app.so", NULL, 0,
                                 error, sizeof(error));
    if (client == NULL) {
        fprintf(stderr, "test_app: %s\n", error);
        return 1;
    }
    test_home(client);
    test_api(client);
    test_not_found(client);
    gw_test_client_destroy(client);

    printf("test_app: %s\n", failed ? "FAILED" : "all passed");
    return failed ? 1 : 0;
}
