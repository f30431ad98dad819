/*
 * fw.h: the framework's internal structures (app, blueprint, route, request)
 * shared by its source files; applications only see gateway.h.
 */

#ifndef GW_FW_H
#define GW_FW_H

#include "gateway.h"

#include <string.h>

#define GW_FW_ERROR_SIZE  512

typedef struct gw_hook_item_s  gw_hook_item_t;
typedef struct gw_errh_s       gw_errh_t;
typedef struct gw_route_s      gw_route_t;
typedef struct gw_config_s     gw_config_t;
typedef struct gw_g_item_s     gw_g_item_t;
typedef struct gw_teardown_s   gw_teardown_item_t;
typedef struct gw_guard_s      gw_guard_t;
typedef struct gw_command_s    gw_command_item_t;

struct gw_hook_item_s {
    gw_hook_t        fn;
    gw_hook_item_t  *next;
    gw_hook_item_t  *prev;          /* after_request runs them backwards */
};

typedef struct {
    gw_hook_item_t  *first;
    gw_hook_item_t  *last;
} gw_hook_list_t;

struct gw_errh_s {
    int                  status;
    gw_error_handler_t   fn;
    gw_errh_t           *next;
};

struct gw_teardown_s {
    gw_teardown_t        fn;
    gw_teardown_item_t  *next;      /* newest first: Flask runs them so */
};

/* The handlers and hooks of one scope: a blueprint, or the app itself. */
typedef struct {
    gw_hook_list_t       before;
    gw_hook_list_t       after;
    gw_teardown_item_t  *teardown;
    gw_errh_t           *errh;
} gw_scope_t;

/* An app command (Flask's @app.cli.command), by name. */
struct gw_command_s {
    const char         *name;
    const char         *help;
    gw_command_t        fn;
    gw_command_item_t  *next;
};

/* A view's own before hook (Flask's @login_required), by endpoint until
 * the routes are compiled. */
struct gw_guard_s {
    const char      *endpoint;      /* the whole name, "bp.view" */
    gw_hook_t        fn;
    gw_guard_t      *next;
};

struct gw_blueprint_s {
    gw_app_t        *app;
    const char      *name;
    const char      *prefix;        /* without a trailing '/'; "" for none */
    const char      *prefix_raw;    /* as given: the rule "" maps to it */
    const char      *template_folder;
    const char      *static_folder; /* the view of "bp.static" serves it */
    gw_scope_t       scope;
    gw_hook_list_t   app_before;    /* before_app_request, until it is
                                       registered */
    int              registered;
    gw_blueprint_t  *next;
};

struct gw_route_s {
    const char      *rule;          /* with the blueprint's prefix */
    const char      *endpoint;      /* "bp.name" or "name" */
    unsigned         methods;
    gw_handler_t     handler;
    gw_blueprint_t  *bp;            /* NULL for app routes */
    gw_hook_t       *guards;        /* run before the view, in order */
    size_t           nguards;
    gw_route_t      *next;
};

/* Where a config value came from, weakest first: a source replaces only
 * what came from one no stronger (gw_app_config_set always does). */
#define GW_CONFIG_DEFAULT  0        /* the framework's, setup()'s */
#define GW_CONFIG_FILE     1        /* CONFIG_FILE, from_file() */
#define GW_CONFIG_ENV      2        /* GATEWAY_*, from_prefixed_env() */
#define GW_CONFIG_SERVER   3        /* gateway_config, --config */

struct gw_config_s {
    const char   *key;
    const char   *value;
    int           level;            /* GW_CONFIG_ */
    int           declared;         /* known to the framework or the app */
    gw_config_t  *next;
};

struct gw_app_s {
    const char        *name;
    gw_arena_t        *arena;       /* everything built at load time */
    gw_config_t       *config;
    gw_blueprint_t    *blueprints;
    gw_route_t        *routes;
    gw_route_t       **routes_tail;
    gw_scope_t         scope;
    gw_guard_t        *guards;
    gw_guard_t       **guards_tail;
    json_t            *g_empty;     /* templates' g when the view set none */
    gw_urlmap_t       *map;
    gw_tmpl_env_t     *tmpl;
    gw_worker_init_t   worker_init;
    void              *data;
    void             (*data_free)(void *);

    /* read from the config once setup() is done */
    const char        *secret_key;
    int64_t            session_lifetime;
    const char        *session_cookie;
    int                session_digest;  /* SESSION_DIGEST: GW_SESSION_ */
    gw_cookie_t        session_opt;     /* SESSION_COOKIE_* */
    gw_str_t          *trusted_hosts;   /* TRUSTED_HOSTS, ports dropped */
    size_t             ntrusted_hosts;  /* 0: every valid host is served */
    uint64_t           max_content_length;  /* MAX_CONTENT_LENGTH; 0: none */
    int                debug;           /* DEBUG: causes on 500 pages */
    const char        *instance_path;   /* INSTANCE_PATH, under ROOT_PATH */
    gw_command_item_t *commands;        /* commands.c, in order */

    int                frozen;      /* loaded: read-only, shared */
    int                failed;      /* first registration error kept */
    char               error[GW_FW_ERROR_SIZE];
};

struct gw_request_s {
    gw_app_t           *app;
    gw_environ_t       *env;
    gw_arena_t         *arena;
    gw_str_t            method;
    gw_str_t            path;
    gw_str_t            script_root;
    gw_str_t            query;
    const gw_route_t   *route;
    json_t             *view_args;

    int                 has_error;
    gw_http_error_t     error;
    unsigned            allow;          /* for a 405's Allow header */
    int                 cause_logged;   /* gw_fail() said why already */
    const char         *cause;          /* what it said, for DEBUG */
    int                 error_json;     /* a JSON body failed: answer JSON */

    unsigned            args_done:1;
    unsigned            args_bad:1;
    unsigned            form_done:1;
    unsigned            form_bad:1;
    unsigned            cookies_done:1;
    unsigned            json_done:1;
    unsigned            session_loaded:1;
    unsigned            flashes_done:1;

    gw_multidict_t      args;
    gw_multidict_t      form;
    gw_files_t          files;
    gw_multidict_t      cookies;
    json_t             *json;
    const char         *url;
    const char         *full_path;

    json_t             *session;
    char               *session_orig;   /* serialised when loaded */
    json_t             *flashes;

    gw_g_item_t        *g;              /* g.c */
    json_t             *g_json;
};

/* static_files.c: the view of the "static" endpoints, the app's
 * (STATIC_FOLDER) and each blueprint's (its static_folder). */
int gw_static_view(gw_request_t *req, gw_response_t *resp);
/* Its rule: url_path without a trailing '/' or, when NULL, "/" and the
 * folder's last name (Flask's static_url_path), then "/<path:filename>". */
const char *gw_static_rule(gw_arena_t *a, const char *folder,
    const char *url_path);
/* An HTTP date in any of the three forms of RFC 9110 (If-Modified-Since)
 * into seconds since the epoch; GW_ERROR when it is none of them. */
int gw_http_date_parse(gw_str_t s, int64_t *t);

/* app.c */
gw_errh_t *gw_scope_find_errh(const gw_scope_t *s, int status);
int gw_scope_add_hook(gw_app_t *app, gw_hook_list_t *l, gw_hook_t fn);
int gw_scope_add_errh(gw_app_t *app, gw_scope_t *s, int status,
    gw_error_handler_t fn);
int gw_app_add_route(gw_app_t *app, gw_blueprint_t *bp, const char *rule,
    unsigned methods, gw_handler_t handler, const char *endpoint);

/* config.c */
/* Keep the first error of setup(). */
void gw_app_fail(gw_app_t *app, const char *fmt, ...) GW_PRINTF(2, 3);
/* A size from the config: a positive number with an optional k, m or g
 * suffix, as in nginx; absent is 0.  GW_ERROR with the reason in error. */
int gw_app_config_size(gw_app_t *app, const char *key, uint64_t *cap,
    char *error, size_t n);
int gw_config_put(gw_app_t *app, const char *key, const char *value,
    int level, int overwrite);
/* CONFIG_FILE and GATEWAY_* at load, before setup(); warn about the keys
 * nobody declared once it returned. */
int gw_config_load_operator(gw_app_t *app);
void gw_config_warn_unknown(gw_app_t *app, gw_load_ctx_t *ctx);

/* hooks.c: guards onto their routes, once the routes are known */
int gw_app_resolve_guards(gw_app_t *app, char *error, size_t n);
/* teardown_request functions: the blueprint's, then the app's */
void gw_run_teardown(gw_request_t *req, const char *cause);

/* errors.c */
const char *gw_http_error_name(int status);
const char *gw_http_error_description(int status);
int gw_html_escape(gw_buf_t *b, const char *s, size_t len);
/* Record the HTTP error for status (message NULL: the default text, which
 * is kept, not copied) and return GW_ABORT; a status that is not an HTTP
 * error is logged and recorded as a 500. */
int gw_http_error_set(gw_request_t *req, int status, const char *message);
/* Empty resp's headers and body, for an error answer. */
void gw_response_reset(gw_response_t *resp);

/* json_parse.c, json_response.c: whether one of the eight bytes at p needs
 * a closer look in a JSON string: a control character, '"', '\\', one past
 * ASCII, and DEL too when del (the zero-byte trick on each test). */
static inline int
gw_json_special8(const unsigned char *p, int del)
{
    uint64_t  x, q, bs, lt;

    memcpy(&x, p, 8);
    q = x ^ 0x2222222222222222ULL;
    bs = x ^ 0x5c5c5c5c5c5c5c5cULL;
    lt = (x - 0x2020202020202020ULL) & ~x;
    q = (q - 0x0101010101010101ULL) & ~q;
    bs = (bs - 0x0101010101010101ULL) & ~bs;
    return ((lt | q | bs | x | (del ? x + 0x0101010101010101ULL : 0))
            & 0x8080808080808080ULL) != 0;
}

/* json_share.c: v (a new reference, may be NULL) is decref'd with the
 * arena.  GW_ERROR, v released, when v is NULL or out of memory. */
int gw_json_arena_own(gw_arena_t *a, json_t *v);

/* session.c: write the cookie back at the end of the request */
int gw_session_save(gw_request_t *req, gw_response_t *resp);

/* templating.c: search paths, functions and compilation, after setup() */
int gw_app_templates_load(gw_app_t *app, char *error, size_t n);

/* request.c */
void gw_request_init(gw_request_t *req, gw_app_t *app, gw_environ_t *env);
/* The absolute URL of path (percent-encoded here) under SCRIPT_NAME, with
 * the request's query string: request.url, and the target of a slash
 * redirect.  NULL when out of memory, or with a 400 recorded when the Host
 * header is not a valid host. */
char *gw_request_url_to(gw_request_t *req, gw_str_t path);
/* Whether host is a host name or IP literal with an optional port. */
int gw_host_valid(gw_str_t host);
/* Whether the request's host is one of TRUSTED_HOSTS (Werkzeug's rule). */
int gw_request_host_trusted(const gw_request_t *req);

#endif /* GW_FW_H */
