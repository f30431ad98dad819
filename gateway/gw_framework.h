/*
 * gw_framework.h: the framework, one application of the interface as Flask
 * is one WSGI app: parsing (query, forms, cookies), the URL map, the app
 * and its blueprints, the request view, responses, sessions, templates.
 *
 * jansson is part of its API: view args, JSON bodies, template contexts
 * and sessions are json_t.
 */

#ifndef GW_FRAMEWORK_H
#define GW_FRAMEWORK_H

#include <jansson.h>

#include "gw_core.h"
#include "gw_template.h"

#ifdef __cplusplus
extern "C" {
#endif

/* the library exports exactly what its public headers declare */
#pragma GCC visibility push(default)

/* An ordered multi-valued map (Werkzeug's MultiDict): args, form, cookies. */
typedef struct {
    gw_str_t  key;
    gw_str_t  value;
} gw_pair_t;

typedef struct {
    gw_pair_t  *items;
    size_t      n;
    size_t      nalloc;
} gw_multidict_t;

/* Appends; key and value are not copied (they must live as long as d,
 * e.g. in the same arena).  Zero-initialise d before the first add. */
int gw_multidict_add(gw_arena_t *a, gw_multidict_t *d, gw_str_t key,
    gw_str_t value);
/* First value of key, or NULL. */
const gw_str_t *gw_multidict_get(const gw_multidict_t *d, const char *key);
/* Every value of key, in order, into out[0..max); returns how many exist. */
size_t gw_multidict_getall(const gw_multidict_t *d, const char *key,
    gw_str_t *out, size_t max);

/*
 * Percent-decoding.  plus_as_space turns '+' into ' ' (query strings and
 * forms).  A '%' not followed by two hex digits is GW_ERROR: we answer 400
 * rather than guess.
 */
int gw_url_decode(gw_arena_t *a, gw_str_t in, int plus_as_space,
    gw_str_t *out);
/* Percent-encode everything but unreserved characters (RFC 3986);
 * safe lists extra bytes to keep, e.g. "/" for paths. */
int gw_url_encode(gw_arena_t *a, gw_str_t in, const char *safe,
    gw_str_t *out);

/* "a=1&b=2&a=3": keys and values decoded, "+" as space, empty pairs
 * skipped, a key without "=" has an empty value.  GW_ERROR on bad
 * percent-encoding. */
int gw_parse_query(gw_arena_t *a, gw_str_t qs, gw_multidict_t *out);

/* A file part of a multipart/form-data body. */
typedef struct {
    gw_str_t  name;             /* the form field */
    gw_str_t  filename;
    gw_str_t  content_type;
    gw_str_t  data;             /* points into the body: no copy */
} gw_file_t;

typedef struct {
    gw_file_t  *items;
    size_t      n;
    size_t      nalloc;
} gw_files_t;

/* Parse body by content_type (application/x-www-form-urlencoded or
 * multipart/form-data; boundary=...): fields into form, file parts into
 * files.  Another content type leaves both empty and returns GW_OK.
 * GW_ERROR (with a message in *error) on a malformed body. */
int gw_parse_form(gw_arena_t *a, gw_str_t content_type, gw_str_t body,
    gw_multidict_t *form, gw_files_t *files, const char **error);

/* The Cookie header: "a=1; b=\"two\"".  Lenient as browsers are: a
 * malformed pair is skipped, never an error (GW_ERROR only when out of
 * memory).  As Werkzeug's parse_cookie, byte for byte; values are bytes. */
int gw_parse_cookies(gw_arena_t *a, gw_str_t header, gw_multidict_t *out);

/* HTTP methods as bits, for rules. */
#define GW_METHOD_GET      0x001
#define GW_METHOD_HEAD     0x002
#define GW_METHOD_POST     0x004
#define GW_METHOD_PUT      0x008
#define GW_METHOD_DELETE   0x010
#define GW_METHOD_PATCH    0x020
#define GW_METHOD_OPTIONS  0x040
/* 0 for a method we do not route. */
unsigned gw_method_bit(gw_str_t method);

/*
 * The URL map: Werkzeug rules ("/notes/<int:id>", "/files/<path:p>",
 * "/<any(a,b):x>", converters string int float path uuid any, with
 * arguments as in Werkzeug: string(minlength=2,maxlength=8,length=..),
 * int(min=..,max=..,signed=True), float(..)) compiled once; matching walks a
 * trie of path segments, so its cost does not grow with the number of rules.
 */
typedef struct gw_urlmap_s  gw_urlmap_t;

gw_urlmap_t *gw_urlmap_create(void);
void gw_urlmap_destroy(gw_urlmap_t *m);

/* Add a rule; methods is a GW_METHOD_ mask (0 means GET).  HEAD is added
 * wherever GET is, OPTIONS everywhere (as Werkzeug).  data is returned by
 * matches.  GW_ERROR with "rule '/x/<bad:y>': unknown converter 'bad'" and
 * the like in error. */
int gw_urlmap_add(gw_urlmap_t *m, const char *rule, const char *endpoint,
    unsigned methods, void *data, char *error, size_t error_size);

typedef enum {
    GW_MATCH_OK = 0,
    GW_MATCH_NOT_FOUND,             /* 404 */
    GW_MATCH_METHOD_NOT_ALLOWED,    /* 405; allow holds the methods */
    GW_MATCH_REDIRECT               /* 308 to redirect (strict slashes) */
} gw_match_status_t;

typedef struct {
    const char  *endpoint;
    const char  *rule;
    void        *data;
    json_t      *args;          /* new object: int -> integer, float ->
                                   real, others strings; caller owns it;
                                   NULL unless GW_MATCH_OK */
    unsigned     allow;         /* GW_METHOD_ mask: on 405 the path's
                                   methods; on OK the rule's, or for an
                                   OPTIONS request every method the path
                                   takes */
    gw_str_t     redirect;      /* the path to redirect to (slash added,
                                   or doubled slashes merged), decoded
                                   like PATH_INFO: percent-encode it, put
                                   SCRIPT_NAME before and the query
                                   string after */
} gw_match_t;

/* path is PATH_INFO, already percent-decoded.  Safe to call from several
 * threads at once; a (the arena) gets the scratch memory. */
gw_match_status_t gw_urlmap_match(const gw_urlmap_t *m, gw_arena_t *a,
    gw_str_t method, gw_str_t path, gw_match_t *match);

/*
 * url_for: the path for endpoint with values (an object; NULL for none)
 * filled in and percent-encoded; values that are not rule arguments become
 * a query string in the order of values (Werkzeug does not sort; arrays
 * repeat the key, null values are left out, true prints as "True").  Among
 * several rules for one endpoint the first with the most arguments, all
 * given, wins.  GW_ERROR with "could not build url for endpoint 'x': ..."
 * when the endpoint is unknown or a value is missing or does not fit.
 * *out is NUL-terminated, in a.
 */
int gw_urlmap_build(const gw_urlmap_t *m, gw_arena_t *a, const char *endpoint,
    json_t *values, gw_str_t *out, char *error, size_t error_size);

/* "GET, HEAD, OPTIONS" style text for a mask, always in the order GET HEAD
 * POST PUT DELETE PATCH OPTIONS; NUL-terminated, in a. */
gw_str_t gw_methods_format(gw_arena_t *a, unsigned mask);

/* ==== framework: app, blueprints, request, response ===================== */

/*
 * The framework is one application of the interface, as Flask is one WSGI
 * app.  An app .so is written as
 *
 *     static int setup(gw_app_t *app, char *error, size_t error_size)
 *     {
 *         gw_blueprint_t *bp = gw_blueprint_create(app, "api", "/api");
 *         gw_blueprint_route(bp, "/notes/<int:id>", GW_METHOD_GET,
 *                            get_note, "get_note");      -> "api.get_note"
 *         return gw_app_register_blueprint(app, bp);
 *     }
 *     GW_FRAMEWORK_APP("demo", setup);
 *
 * setup() runs at load time (so a bad rule stops `nginx -t`); the URL map
 * is compiled when it returns.  Registration functions remember the first
 * error, so setup() need not check each call: load fails with it anyway.
 * After load the app is read-only and shared by every thread.
 */
typedef struct gw_app_s        gw_app_t;
typedef struct gw_blueprint_s  gw_blueprint_t;
typedef struct gw_request_s    gw_request_t;

/* Returned by handlers and hooks besides GW_OK and GW_ERROR. */
#define GW_ABORT  -2            /* gw_abort() recorded an HTTP error */
#define GW_DONE    1            /* before_request: resp is the answer */

/* The error being handled (Werkzeug's HTTPException). */
typedef struct {
    int          status;
    const char  *name;          /* "Not Found" */
    const char  *description;   /* gw_abort()'s message or the default */
} gw_http_error_t;

/*
 * A view fills resp and returns GW_OK; GW_ABORT (from gw_abort()) answers
 * with the error handler for that status; GW_ERROR answers 500 and logs.
 */
typedef int (*gw_handler_t)(gw_request_t *req, gw_response_t *resp);
/* before_request: GW_OK goes on, GW_DONE answers with resp as filled.
 * after_request: may change resp; runs for error responses too. */
typedef int (*gw_hook_t)(gw_request_t *req, gw_response_t *resp);
/* resp arrives with status = err->status; GW_ERROR gives a plain 500. */
typedef int (*gw_error_handler_t)(gw_request_t *req, gw_response_t *resp,
    const gw_http_error_t *err);
/* teardown_request: runs at the end of every request, after the response
 * is made, even when the view or a hook failed; error is NULL, or the
 * cause of the 500 (as logged).  Nothing it does changes the answer. */
typedef void (*gw_teardown_t)(gw_request_t *req, const char *error);
typedef int (*gw_setup_t)(gw_app_t *app, char *error, size_t error_size);
typedef int (*gw_worker_init_t)(gw_app_t *app, char *error,
    size_t error_size);
/* An app command: argv[0] is its name, then its arguments; the return
 * value is the process's exit status. */
typedef int (*gw_command_t)(gw_app_t *app, int argc, char **argv);

/* The framework's side of gw_app_entry_t, used by GW_FRAMEWORK_APP. */
int gw_framework_load(gw_load_ctx_t *ctx, const char *name, gw_setup_t setup,
    void **app);
int gw_framework_worker_init(void *app, char *error, size_t error_size);
int gw_framework_call(void *app, gw_environ_t *env, gw_response_t *resp);
void gw_framework_unload(void *app);

#define GW_FRAMEWORK_APP(name, setup)                                         \
    static int                                                                \
    gw_framework_app_load(gw_load_ctx_t *ctx, void **app)                     \
    {                                                                         \
        return gw_framework_load(ctx, (name), (setup), app);                  \
    }                                                                         \
    GW_APP((name), gw_framework_app_load, gw_framework_worker_init,           \
           gw_framework_call, gw_framework_unload)

/* -- app and config -- */

/*
 * Config starts with the defaults (ROOT_PATH = the .so's directory,
 * PERMANENT_SESSION_LIFETIME = 2678400 seconds, SESSION_COOKIE_NAME =
 * "session"; SESSION_COOKIE_DOMAIN, _PATH, _HTTPONLY (default true),
 * _SECURE and _SAMESITE shape the session cookie as in Flask).  The
 * operator's sources come on top, weakest first: the JSON file named by
 * CONFIG_FILE, environment variables GATEWAY_KEY=VALUE, the server's
 * gateway_config pairs (--config for gateway-fcgi); all are read before
 * setup() runs.  gw_app_config_set overwrites; gw_app_config_default sets
 * only what the operator did not.  Values are copied.  get returns NULL
 * when absent.
 */
const char *gw_app_config_get(const gw_app_t *app, const char *key);
int gw_app_config_set(gw_app_t *app, const char *key, const char *value);
int gw_app_config_default(gw_app_t *app, const char *key, const char *value);
/*
 * Flask's config.from_file(path, json.load): a JSON object whose upper-case
 * keys are taken (others are ignored, as Flask does): strings as they are,
 * numbers and true/false as JSON writes them, a list of strings joined
 * with ", ".  path is relative to ROOT_PATH.  A missing file is GW_OK when
 * silent; a file that does not parse fails the load with file:line:col.
 * Its values rank as CONFIG_FILE's: above defaults, below the environment
 * and gateway_config.
 */
int gw_app_config_from_file(gw_app_t *app, const char *path, int silent);
/* Flask's config.from_prefixed_env(prefix): PREFIX_KEY=VALUE sets KEY (a
 * JSON string value is unquoted, anything else taken as it is; KEY__SUB
 * is skipped).  prefix NULL is "GATEWAY", which load() reads already.
 * Ranks as the environment: below gateway_config. */
int gw_app_config_from_prefixed_env(gw_app_t *app, const char *prefix);
/*
 * A key the operator sets that neither the framework nor the app reads
 * while loading (gw_app_config_get in setup()) is logged as a warning
 * when the app is loaded (a typo such as SECERT_KEY).  An app that reads a
 * key only later (per request, or only in templates as config.KEY)
 * declares it here.
 */
int gw_app_config_declare(gw_app_t *app, const char *key);
const char *gw_app_name(const gw_app_t *app);
/* ROOT_PATH "/" rel, in app memory (lives as long as the app). */
const char *gw_app_path(gw_app_t *app, const char *rel);
/* App-wide memory for setup(): freed when the app is unloaded. */
gw_arena_t *gw_app_arena(gw_app_t *app);
/* The application's own data (e.g. loaded at setup); free_fn, if not NULL,
 * runs at unload. */
void gw_app_set_data(gw_app_t *app, void *data, void (*free_fn)(void *));
void *gw_app_data(const gw_app_t *app);
/* Run once in each worker process, after fork (Flask has no equivalent:
 * open per-process resources here). */
int gw_app_worker_init(gw_app_t *app, gw_worker_init_t fn);
/*
 * Flask's instance folder (app.instance_path): INSTANCE_PATH, relative to
 * ROOT_PATH, default ROOT_PATH "/instance", the place for the site's own
 * files (a database, uploads), apart from its code.  In app memory.  The
 * framework never creates it: setup() runs in nginx's master and in
 * `nginx -t`, so it must create nothing; worker_init() or a command
 * (gw-cmd makes the folder before it runs one) does.
 */
const char *gw_app_instance_path(gw_app_t *app);
/*
 * Flask's app.cli.command (`flask init-db`): a named command, run by
 * `gw-cmd APP.so NAME [ARGS...]` after setup() (worker_init() is not run:
 * the command opens what it needs).  name: letters, digits, '-' and '_';
 * help: one line for the listing.  Registering a name again replaces it.
 */
int gw_app_command(gw_app_t *app, const char *name, gw_command_t fn,
    const char *help);
/* Each command, in the order they were added; stops at, and returns, the
 * first non-zero fn returns. */
typedef int (*gw_command_visit_pt)(void *ctx, const char *name,
    const char *help);
int gw_app_each_command(const gw_app_t *app, gw_command_visit_pt fn,
    void *ctx);
/* Runs the command argv[0]: its exit status, or -1 when there is none. */
int gw_app_run_command(gw_app_t *app, int argc, char **argv);

/*
 * Each route, in the order they were added (`flask routes`, gw-routes):
 * endpoint, the GW_METHOD_ mask as given (0 means GET), the whole rule.
 * Routes of blueprints never registered are left out.  Stops at, and
 * returns, the first non-zero fn returns.  The framework's own entry is
 * how a program knows a loaded app is one: gw_loaded_app_t's entry->call
 * is gw_framework_call and its app a gw_app_t.
 */
typedef int (*gw_route_visit_pt)(void *ctx, const char *endpoint,
    unsigned methods, const char *rule);
int gw_app_each_route(const gw_app_t *app, gw_route_visit_pt fn, void *ctx);

/* App-level routes: endpoint is the name as given ("index"). */
int gw_app_route(gw_app_t *app, const char *rule, unsigned methods,
    gw_handler_t handler, const char *endpoint);
int gw_app_before_request(gw_app_t *app, gw_hook_t hook);
int gw_app_after_request(gw_app_t *app, gw_hook_t hook);
int gw_app_errorhandler(gw_app_t *app, int status, gw_error_handler_t h);
/* Flask's teardown_request (and teardown_appcontext: a request is the app
 * context here): the place to close what a request opened (a database
 * handle kept in g).  The blueprint's run before the app's, each newest
 * first, as in Flask. */
int gw_app_teardown_request(gw_app_t *app, gw_teardown_t fn);
/*
 * A guard on one view, the equivalent of a decorator such as flaskr's
 * @login_required: hook runs for endpoint's routes only, after every
 * before_request hook and just before the view; GW_DONE (resp as filled,
 * e.g. by gw_redirect) or GW_ABORT (gw_abort) answers instead of the view.
 * Several guards run in the order they were added.  endpoint is the whole
 * name ("auth.logout"); one that no route has fails the load.  To guard a
 * whole blueprint, use gw_blueprint_before_request.
 */
int gw_app_guard(gw_app_t *app, const char *endpoint, gw_hook_t hook);

/* -- blueprints -- */

/* Owned by app; url_prefix may be NULL.  Routes and hooks may be added
 * before or after registration, until setup() returns. */
gw_blueprint_t *gw_blueprint_create(gw_app_t *app, const char *name,
    const char *url_prefix);
int gw_app_register_blueprint(gw_app_t *app, gw_blueprint_t *bp);
/* endpoint becomes "bpname.endpoint"; the rule is joined to url_prefix as
 * Flask does ("/api" + "/notes/" -> "/api/notes/"). */
int gw_blueprint_route(gw_blueprint_t *bp, const char *rule,
    unsigned methods, gw_handler_t handler, const char *endpoint);
int gw_blueprint_before_request(gw_blueprint_t *bp, gw_hook_t hook);
int gw_blueprint_after_request(gw_blueprint_t *bp, gw_hook_t hook);
/* Requests routed to this blueprint only; before the app's. */
int gw_blueprint_teardown_request(gw_blueprint_t *bp, gw_teardown_t fn);
/* Flask's bp.before_app_request: a hook of the app (every request, with
 * the app's before_request hooks, in the order they were added) that
 * comes with the blueprint: it runs only once the blueprint is
 * registered. */
int gw_blueprint_before_app_request(gw_blueprint_t *bp, gw_hook_t hook);
/* gw_app_guard for the blueprint's endpoint ("create" in "blog"). */
int gw_blueprint_guard(gw_blueprint_t *bp, const char *endpoint,
    gw_hook_t hook);
/* Wins over the app's handler for requests routed to this blueprint. */
int gw_blueprint_errorhandler(gw_blueprint_t *bp, int status,
    gw_error_handler_t h);
/* Relative to ROOT_PATH, searched after ROOT_PATH/templates. */
int gw_blueprint_template_folder(gw_blueprint_t *bp, const char *folder);
/* Flask's Blueprint(static_folder=, static_url_path=): the endpoint
 * "bpname.static" serves files under folder (relative to ROOT_PATH) at
 * url_prefix + url_path + "/<path:filename>"; url_path NULL is "/" and the
 * folder's last name, "" is the prefix itself.  Once per blueprint. */
int gw_blueprint_static_folder(gw_blueprint_t *bp, const char *folder,
    const char *url_path);
const char *gw_blueprint_name(const gw_blueprint_t *bp);

/* -- the request: a lazy view over the environ -- */

gw_app_t *gw_request_app(const gw_request_t *req);
gw_environ_t *gw_request_environ(const gw_request_t *req);
gw_arena_t *gw_request_arena(const gw_request_t *req);
gw_str_t gw_request_method(const gw_request_t *req);
/* PATH_INFO ("/" when empty), SCRIPT_NAME, QUERY_STRING (raw). */
gw_str_t gw_request_path(const gw_request_t *req);
gw_str_t gw_request_script_root(const gw_request_t *req);
gw_str_t gw_request_query_string(const gw_request_t *req);
/* path "?" query (Flask: "/x?" when the query is empty).  NULL: no memory */
const char *gw_request_full_path(gw_request_t *req);
/* scheme://host script_root path [?query] (Flask's request.url). */
const char *gw_request_url(gw_request_t *req);
/* Host header, else SERVER_NAME[:SERVER_PORT]. */
gw_str_t gw_request_host(const gw_request_t *req);
gw_str_t gw_request_remote_addr(const gw_request_t *req);
/* The body (gateway.input).  Past the config's MAX_CONTENT_LENGTH (bytes,
 * or with k, m or g) it is empty and a 413 is recorded, as gw_abort()
 * would, for form, files and JSON too: Flask's RequestEntityTooLarge. */
gw_str_t gw_request_data(gw_request_t *req);
/* Case-insensitive header lookup ("Content-Type", "X-Token"); NULL when
 * absent. */
const gw_str_t *gw_request_header(const gw_request_t *req, const char *name);
/* NULL outside a matched route; "api.get_note", "api". */
const char *gw_request_endpoint(const gw_request_t *req);
const char *gw_request_blueprint(const gw_request_t *req);
/* Borrowed object of the rule's arguments ({"id": 7}); NULL only on OOM. */
json_t *gw_request_view_args(const gw_request_t *req);

/*
 * Parsed on first use and cached.  On malformed input (bad percent-encoding,
 * a broken multipart body, JSON that does not parse or a Content-Type that
 * is not JSON) they return NULL and record a 400 with a clear message, as
 * gw_abort() would: the request then answers 400 whatever the view returns.
 */
const gw_multidict_t *gw_request_args(gw_request_t *req);
const gw_str_t *gw_request_arg(gw_request_t *req, const char *key);
/* Flask's request.args.get(key, def, type=int) and type=float: the value
 * read as Python's int() (sign, decimal digits, surrounding whitespace) or
 * float() reads it, def when it is absent or does not read. */
long long gw_request_arg_int(gw_request_t *req, const char *key,
    long long def);
double gw_request_arg_float(gw_request_t *req, const char *key, double def);
/* view_args[key] of an int converter, def when there is none. */
long long gw_request_view_arg_int(const gw_request_t *req, const char *key,
    long long def);
const gw_multidict_t *gw_request_form(gw_request_t *req);
/* Flask's request.form[key] and request.args[key]: the first value, or
 * NULL with a 400 recorded when key is absent (Werkzeug's
 * BadRequestKeyError: "The browser (or proxy) sent a request that this
 * server could not understand.", and with DEBUG "KeyError: 'key'" on a
 * second line), so `if (v == NULL) return GW_ABORT;` answers it. */
const gw_str_t *gw_request_form_required(gw_request_t *req, const char *key);
const gw_str_t *gw_request_arg_required(gw_request_t *req, const char *key);
const gw_files_t *gw_request_files(gw_request_t *req);
const gw_multidict_t *gw_request_cookies(gw_request_t *req);
const gw_str_t *gw_request_cookie(gw_request_t *req, const char *name);
/* application/json or application/...+json, as Flask's is_json. */
int gw_request_is_json(const gw_request_t *req);
/* Borrowed; lives as long as the request. */
json_t *gw_request_json(gw_request_t *req);

/*
 * Flask's g: the app's own data for one request (g.user, g.db).  A name
 * holds a C pointer (set, get) or a JSON value (set_json, get_json), the
 * two kinds apart; setting a name again replaces it.  cleanup (may be
 * NULL) gets value when the request's memory is released, after the
 * teardown functions ran, once for each gw_g_set call.  JSON values are
 * what templates see as g ({{ g.user.username }}); set_json_new steals
 * value (NULL is an error), set_json borrows it.  get returns NULL for a
 * name not set; get_json's value is borrowed.
 */
int gw_g_set(gw_request_t *req, const char *name, void *value,
    void (*cleanup)(void *));
void *gw_g_get(const gw_request_t *req, const char *name);
int gw_g_set_json(gw_request_t *req, const char *name, json_t *value);
int gw_g_set_json_new(gw_request_t *req, const char *name, json_t *value);
json_t *gw_g_get_json(const gw_request_t *req, const char *name);

/* -- responses and errors -- */

/*
 * Record an HTTP error and return GW_ABORT, for `return gw_abort(...)`:
 * the blueprint's handler for status, else the app's, else the default
 * Werkzeug-style page.  message NULL means the default description.
 */
int gw_abort(gw_request_t *req, int status, const char *message);
/* Log a cause to gateway.errors and return GW_ERROR (a 500). */
int gw_fail(gw_request_t *req, const char *fmt, ...) GW_PRINTF(2, 3);
/* The pending error, or NULL. */
const gw_http_error_t *gw_request_error(const gw_request_t *req);
/* Werkzeug's default HTML page for err into resp (for error handlers that
 * only want to answer differently for some requests). */
int gw_error_page(gw_request_t *req, gw_response_t *resp,
    const gw_http_error_t *err);

/* value as JSON, like Flask's jsonify: application/json, compact, keys
 * sorted, ASCII-only, with a trailing newline.  _new steals value. */
int gw_jsonify(gw_request_t *req, gw_response_t *resp, json_t *value);
int gw_jsonify_new(gw_request_t *req, gw_response_t *resp, json_t *value);
/* Serialised bytes, prepared once (e.g. at load), sent without copying. */
int gw_json_send(gw_request_t *req, gw_response_t *resp, gw_str_t json);
/* Flask's jsonify bytes for value, malloc'ed (free()); NULL on failure. */
char *gw_json_dumps(const json_t *value, size_t *len);
/* The same bytes appended to b. */
int gw_json_dump_buf(gw_buf_t *b, const json_t *value);
/*
 * Parse JSON as request bodies and sessions are parsed: what
 * json_loadb(buf, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, err) gives (UTF-8
 * checked, depth capped at 2048, no NaN or Infinity, integers within 64
 * bits, the last of duplicate keys), read several times faster.  A new
 * reference, or NULL with err filled when err is not NULL.
 */
json_t *gw_json_loadb(const char *buf, size_t len, json_error_t *err);
/*
 * Data built at load time and read by every thread (the FastCGI daemon has
 * several): freeze makes value and all it holds immortal, as json_true()
 * is, so taking references no longer writes to it.  It must not be changed
 * afterwards.  thaw_decref undoes that and drops the reference, at unload.
 */
void gw_json_freeze(json_t *value);
void gw_json_thaw_decref(json_t *value);

/* Flask's redirect(): status 0 means 302; Location as given, HTML body. */
int gw_redirect(gw_request_t *req, gw_response_t *resp, const char *location,
    int status);
/* Set/add a header; a bad name or a value with CR/LF logs and fails. */
int gw_header_set(gw_request_t *req, gw_response_t *resp, const char *name,
    const char *value);
int gw_header_add(gw_request_t *req, gw_response_t *resp, const char *name,
    const char *value);

/* -- cookies -- */

typedef struct {
    long         max_age;       /* seconds; 0: none (a browser session) */
    int64_t      expires;       /* Unix time; 0: now + max_age, or none */
    const char  *path;          /* NULL means "/" */
    const char  *domain;        /* NULL: none; a port is dropped */
    int          secure;
    int          httponly;
    const char  *samesite;      /* "Strict", "Lax", "None" or NULL */
} gw_cookie_t;

/* Werkzeug's dump_cookie(): 'n="v w"; Domain=d; Expires=...; Max-Age=10;
 * Secure; HttpOnly; Path=/; SameSite=Lax'.  now is the time Expires is
 * counted from.  NULL on a bad name or samesite, or no memory. */
char *gw_cookie_dump(gw_arena_t *a, const char *name, gw_str_t value,
    const gw_cookie_t *opt, int64_t now);
/* Add a Set-Cookie header; opt NULL for the defaults. */
int gw_set_cookie(gw_request_t *req, gw_response_t *resp, const char *name,
    const char *value, const gw_cookie_t *opt);
/* Expire it now: "n=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0;
 * Path=/". */
int gw_delete_cookie(gw_request_t *req, gw_response_t *resp,
    const char *name, const gw_cookie_t *opt);

/* -- sessions: a signed cookie, as Flask's -- */

/*
 * The session object, loaded from the cookie on first use (borrowed, a JSON
 * object, never NULL but on OOM).  A cookie that is tampered with, expired
 * (PERMANENT_SESSION_LIFETIME) or signed with another SECRET_KEY gives an
 * empty session, never an error.  Without SECRET_KEY it is a 500.  The
 * cookie is sent again only when the session changed (compared by value at
 * the end of the request), with HttpOnly and Path=/, or deleted once empty.
 */
json_t *gw_session(gw_request_t *req);
/* Flask's session.permanent, kept in the session as "_permanent": the
 * cookie then gets Expires (now + PERMANENT_SESSION_LIFETIME) and is sent
 * on every response. */
void gw_session_set_permanent(gw_request_t *req, int permanent);

/*
 * The cookie format, Flask's: itsdangerous' URLSafeTimedSerializer,
 * base64url(JSON) "." base64url(timestamp) "." base64url(HMAC(key, the
 * first two parts)), key = HMAC(SECRET_KEY, "cookie-session") (key
 * derivation "hmac"), HMAC-SHA256 (GW_SESSION_SHA256, the default) or
 * Flask's HMAC-SHA1 (GW_SESSION_SHA1, SESSION_DIGEST sha1).  The JSON is
 * zlib-compressed, with a '.' before it, when that is shorter by more than
 * a byte, as itsdangerous does.  Flask's TaggedJSONSerializer tags are
 * read as plain JSON: " t" (tuple) as an array, " m" (Markup), " d"
 * (datetime, its HTTP date) and " u" (UUID, with dashes) as strings, " b"
 * (bytes) as a string when it is UTF-8, " di" as the object it escapes;
 * bytes that are not UTF-8, or any other tag (" x": a custom tag the
 * Flask app registered: a space and letters, alone in its object) make
 * the cookie invalid.  An object whose one key reads as a tag is written
 * escaped (" di"), as Flask does for its own tags, so it comes back as it
 * was.  decode returns a new object, or NULL when the cookie is not valid
 * at time now for max_age seconds.
 */
#define GW_SESSION_SHA256  0
#define GW_SESSION_SHA1    1
char *gw_session_encode(gw_arena_t *a, const char *secret, int digest,
    json_t *session, int64_t timestamp);
json_t *gw_session_decode(const char *secret, int digest, gw_str_t cookie,
    int64_t now, int64_t max_age);

/* Flask's flash(): category NULL means "message". */
int gw_flash(gw_request_t *req, const char *message, const char *category);
/* The same with counted strings (a form value as it is); category.data
 * NULL means "message".  Text that is not UTF-8 is a 500. */
int gw_flashn(gw_request_t *req, gw_str_t message, gw_str_t category);
/* Pops the flashed messages (cached for the rest of the request): an array
 * of strings, or of [category, message] pairs.  Borrowed. */
json_t *gw_get_flashed_messages(gw_request_t *req, int with_categories);

/* -- password hashes: werkzeug.security -- */

/*
 * generate_password_hash: "pbkdf2:HASH:ITERATIONS$SALT$HEX" or
 * "scrypt:N:R:P$SALT$HEX" as Werkzeug writes them (a salt of salt_length
 * letters and digits, 0 for 16).  method as Werkzeug takes it: "pbkdf2"
 * ("pbkdf2:sha256", "pbkdf2:sha512:1000000"; sha1, sha224, sha256, sha384,
 * sha512; 600000 iterations unless given) or "scrypt" ("scrypt:N:R:P";
 * 32768, 8, 1 unless given).  NULL means "pbkdf2:sha256" (600000), which
 * Werkzeug 2.2 and 3.x both check; "scrypt" is Werkzeug 3's default,
 * which 2.2 cannot read.  In a, NUL-terminated; NULL for a method not
 * understood or when out of memory.
 */
char *gw_generate_password_hash(gw_arena_t *a, const char *password,
    size_t len, const char *method, size_t salt_length);
/* check_password_hash: 1 when password (len bytes) matches pwhash, 0
 * otherwise, also for a hash that is malformed, or asks for more than
 * 10,000,000 PBKDF2 iterations, scrypt memory above 256 MB ((N + P) * R
 * above 2^21) or work N * R * P above 2^22.  The comparison takes the
 * same time wherever the bytes differ. */
int gw_check_password_hash(const char *pwhash, const char *password,
    size_t len);
/* Whether pwhash is a hash gw_check_password_hash can check (for setup()
 * to refuse a malformed one at load). */
int gw_password_hash_valid(const char *pwhash);

/* -- templates: Flask's render_template and url_for -- */

/*
 * The app's template environment (see "templates" below), for setup() to
 * add globals, functions or templates kept in memory.  When setup()
 * returns, ROOT_PATH/templates and then each blueprint's template folder
 * (those that exist) are searched and every template compiled, so a syntax
 * error fails the load with name:line:col.  Templates see url_for(),
 * get_flashed_messages(), config, request (method, path, full_path, url,
 * script_root, args, endpoint, blueprint, view_args) and session.
 */
gw_tmpl_env_t *gw_app_templates(gw_app_t *app);
/* Render name with context (borrowed, may be NULL; its keys win over the
 * ones above) into resp as text/html; an error is a 500 with the cause
 * logged. */
int gw_render(gw_request_t *req, gw_response_t *resp, const char *name,
    json_t *context);
/* The URL path for endpoint (".name" is in the current blueprint), under
 * SCRIPT_NAME; values (borrowed, may be NULL) fill the rule, the rest go to
 * the query string.  GW_ERROR with the cause logged. */
int gw_url_for(gw_request_t *req, const char *endpoint, json_t *values,
    gw_str_t *out);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* GW_FRAMEWORK_H */
