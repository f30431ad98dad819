/*
 * gw_core.h: the interface between a server and an application, the C
 * analogue of PEP 3333: strings, the request arena, buffers, the environ,
 * the response, and how servers load and call an application .so.  No
 * JSON and no HTML here: both servers include this header alone.
 *
 * Ownership follows jansson's naming: functions ending in _new take over the
 * value they are given; everything else borrows.  Memory handed out during a
 * request comes from that request's arena and dies with it.
 */

#ifndef GW_CORE_H
#define GW_CORE_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>

#ifdef __cplusplus
extern "C" {
#endif

/* the library exports exactly what its public headers declare */
#pragma GCC visibility push(default)

#define GW_OK      0
#define GW_ERROR  -1

#define GW_ABI_VERSION  1

#if defined(__GNUC__)
#define GW_PRINTF(f, a)  __attribute__((format(printf, f, a)))
#else
#define GW_PRINTF(f, a)
#endif


/* ---- strings ----------------------------------------------------------- */

/* A byte string that need not be NUL-terminated: servers hand out views of
 * their own buffers rather than copies. */
typedef struct {
    const char  *data;
    size_t       len;
} gw_str_t;

#define gw_string(s)  { (s), sizeof(s) - 1 }
#define gw_null_string  { NULL, 0 }

/* True when a and the C string b hold the same bytes. */
int gw_str_eq(gw_str_t a, const char *b);


/* ---- arena: request-lifetime memory ------------------------------------ */

typedef struct gw_arena_block_s    gw_arena_block_t;
typedef struct gw_arena_cleanup_s  gw_arena_cleanup_t;

/*
 * Allocations are carved from blocks and released all at once by
 * gw_arena_reset() or gw_arena_destroy().  The struct is public so a server
 * can embed it and seed it with memory it already owns (an nginx pool, a
 * thread's stack), sparing a malloc per request.
 */
typedef struct {
    char                *pos;       /* next free byte in the current block */
    char                *end;
    gw_arena_block_t    *blocks;    /* malloc'ed blocks, newest first */
    gw_arena_cleanup_t  *cleanups;  /* run in reverse order on reset */
    size_t               block_size;
    char                *seed;      /* caller's first block, never freed */
    size_t               seed_size;
    size_t               allocated; /* bytes of blocks malloc'ed so far */
    size_t               limit;     /* 0: none; else allocated stays at or
                                       below it: an allocation that needs
                                       more fails (NULL) and sets over */
    int                  over;
} gw_arena_t;

/* Heap-allocated arena; NULL when out of memory. */
gw_arena_t *gw_arena_create(size_t block_size);
void gw_arena_destroy(gw_arena_t *a);

/* Initialise an embedded arena, optionally seeded with buf[0..size). */
void gw_arena_init(gw_arena_t *a, void *buf, size_t size, size_t block_size);
/* Run cleanups and free every block; the arena stays usable. */
void gw_arena_reset(gw_arena_t *a);
/* Bytes of the blocks the arena took from malloc so far (its footprint
 * beyond the seed): what tests of linear cost measure. */
size_t gw_arena_size(const gw_arena_t *a);

/* Aligned for any type (GW_ARENA_ALIGN); NULL when out of memory. */
#define GW_ARENA_ALIGN  16
void *gw_arena_alloc(gw_arena_t *a, size_t size);

/* The same, with its common case (room left in the current block) inline,
 * for code that makes many small allocations: a template render makes
 * hundreds. */
static inline void *
gw_arena_alloc_fast(gw_arena_t *a, size_t size)
{
    size_t   avail, need;
    char    *p;

    if (a->pos != NULL) {
        avail = (size_t) (a->end - a->pos);
        need = (size + GW_ARENA_ALIGN - 1) & ~(size_t) (GW_ARENA_ALIGN - 1);
        /* size - 1 < avail: not 0, and too small for need to wrap */
        if (size - 1 < avail && need <= avail) {
            p = a->pos;
            a->pos += need;
            return p;
        }
    }
    return gw_arena_alloc(a, size);
}
void *gw_arena_calloc(gw_arena_t *a, size_t size);
char *gw_arena_strndup(gw_arena_t *a, const char *s, size_t len);
char *gw_arena_strdup(gw_arena_t *a, const char *s);
char *gw_arena_printf(gw_arena_t *a, const char *fmt, ...) GW_PRINTF(2, 3);
char *gw_arena_vprintf(gw_arena_t *a, const char *fmt, va_list ap);

/* Call fn(data) when the arena is reset or destroyed (e.g. json_decref). */
int gw_arena_cleanup_add(gw_arena_t *a, void (*fn)(void *), void *data);


/* ---- buf: a growable byte buffer in an arena --------------------------- */

typedef struct {
    char        *data;
    size_t       len;
    size_t       cap;
    gw_arena_t  *arena;
} gw_buf_t;

void gw_buf_init(gw_buf_t *b, gw_arena_t *a, size_t cap);
int gw_buf_reserve(gw_buf_t *b, size_t more);
int gw_buf_append(gw_buf_t *b, const void *data, size_t len);
int gw_buf_appends(gw_buf_t *b, const char *s);
int gw_buf_putc(gw_buf_t *b, char c);
int gw_buf_printf(gw_buf_t *b, const char *fmt, ...) GW_PRINTF(2, 3);

static inline gw_str_t
gw_buf_str(const gw_buf_t *b)
{
    gw_str_t  s = { b->data, b->len };
    return s;
}


/* ---- array: a growable array in an arena ------------------------------- */

/*
 * items is the address of a pointer to an array of *nalloc items of size
 * bytes, n of them used (any pointer type: `&list->items`).  Makes room for
 * more items beyond n: when there is none, a new array of double the
 * capacity (or a first one) comes from the arena, the n items are copied
 * and *items and *nalloc updated; the old array stays in the arena until
 * it is reset.  GW_ERROR when out of memory or when the size would
 * overflow; nothing is changed then.
 */
int gw_array_reserve(gw_arena_t *a, void *items, size_t n, size_t *nalloc,
    size_t size, size_t more);

/* Room for one more item, the usual case: list[n++] = x after it. */
static inline int
gw_array_grow(gw_arena_t *a, void *items, size_t n, size_t *nalloc,
    size_t size)
{
    return n < *nalloc ? GW_OK
                       : gw_array_reserve(a, items, n, nalloc, size, 1);
}


/* ---- environ: the request dict ----------------------------------------- */

typedef enum {
    GW_LOG_ERR = 0,
    GW_LOG_WARN,
    GW_LOG_INFO,
    GW_LOG_DEBUG
} gw_log_level_t;

typedef struct {
    gw_str_t  key;
    gw_str_t  value;
} gw_env_entry_t;

/*
 * What a server passes to an application: an ordered map of strings holding
 * the CGI/PEP 3333 keys (REQUEST_METHOD, SCRIPT_NAME, PATH_INFO, QUERY_STRING,
 * CONTENT_TYPE, CONTENT_LENGTH, SERVER_NAME, SERVER_PORT, SERVER_PROTOCOL,
 * REMOTE_ADDR, REMOTE_PORT, every header as HTTP_*) and gateway.* keys:
 *
 *   gateway.url_scheme    "http" or "https"
 *   gateway.input         the request body, as bytes (may contain NULs)
 *   gateway.multithread   "true" or "false"
 *   gateway.multiprocess  "true" or "false"
 *   gateway.errors        the name of the error stream; write with gw_log()
 *
 * Repeated request headers are joined with ", " (";" for Cookie), as CGI
 * servers do.  Keys and values live as long as the request's arena.
 */
typedef struct gw_environ_s  gw_environ_t;

struct gw_environ_s {
    gw_env_entry_t  *entries;
    size_t           nentries;
    size_t           nalloc;
    gw_arena_t      *arena;

    /* gateway.errors: the server's error log */
    void           (*log)(void *ctx, gw_log_level_t level,
                          const char *msg, size_t len);
    void            *log_ctx;

    /* gw_environ_add_header's index of header keys, private to environ.c */
    struct gw_env_index_s  *index;
};

void gw_environ_init(gw_environ_t *env, gw_arena_t *a, size_t hint);
/* Append without looking for an existing key: servers build environs. */
int gw_environ_add(gw_environ_t *env, gw_str_t key, gw_str_t value);
/* Replace the value of key, or append it. */
int gw_environ_set(gw_environ_t *env, gw_str_t key, gw_str_t value);
/*
 * Add a request header's entry; when entries[from..] already hold key, the
 * value joins it as CGI servers join repeated headers: ", " between values,
 * "; " for HTTP_COOKIE, as browsers send cookies.  Keys are found through a
 * hash index and joined values grow by doubling, so n headers cost O(n).
 */
int gw_environ_add_header(gw_environ_t *env, size_t from, gw_str_t key,
    gw_str_t value);

/* What a server says about itself and the request in the gateway.* keys. */
typedef struct {
    int          https;         /* url_scheme "https", else "http" */
    gw_str_t     input;         /* the body; data may be NULL when len is 0 */
    int          multithread;   /* calls may run at once in a process */
    int          multiprocess;  /* several processes run the app */
    const char  *errors;        /* the error stream's name: "error_log" */
} gw_environ_gateway_t;

/*
 * Sets the gateway.* keys above from g, replacing any the environ already
 * holds (a FastCGI client cannot supply its own).  Both servers call it:
 * the keys and the spelling of their values are written in one place.
 */
int gw_environ_set_gateway(gw_environ_t *env, const gw_environ_gateway_t *g);
/* NULL when absent. */
const gw_str_t *gw_environ_get(const gw_environ_t *env, const char *key);
const gw_str_t *gw_environ_getn(const gw_environ_t *env, const char *key,
    size_t len);

/*
 * Turn a header name into its environ key: "Content-Type" ->
 * "CONTENT_TYPE" for the two CGI headers, "X-Foo" -> "HTTP_X_FOO" otherwise.
 * Returns NULL for names that CGI cannot carry (containing '_' is allowed).
 */
char *gw_environ_header_key(gw_arena_t *a, const char *name, size_t len,
    size_t *keylen);

/* Write to gateway.errors (the nginx error log, or the daemon's stderr). */
void gw_log(const gw_environ_t *env, gw_log_level_t level,
    const char *fmt, ...) GW_PRINTF(3, 4);


/* ---- response ---------------------------------------------------------- */

typedef struct {
    gw_str_t  name;
    gw_str_t  value;
} gw_header_t;

/*
 * What an application fills in: a status, headers in order (a name may
 * repeat, e.g. Set-Cookie) and a body made of segments the server writes out
 * without copying.  Content-Length is the server's job.
 */
typedef struct {
    int           status;
    gw_header_t  *headers;
    size_t        nheaders;
    size_t        nheaders_alloc;
    gw_str_t     *body;
    size_t        nbody;
    size_t        nbody_alloc;
    size_t        body_len;
    gw_arena_t   *arena;
} gw_response_t;

void gw_response_init(gw_response_t *r, gw_arena_t *a);
void gw_response_set_status(gw_response_t *r, int status);

/*
 * Both refuse (GW_ERROR) a name that is not an HTTP token or a value holding
 * CR, LF or NUL, so a response can never be split.  Name and value are
 * copied into the arena.
 */
int gw_response_add_header(gw_response_t *r, const char *name,
    const char *value);
int gw_response_add_headern(gw_response_t *r, gw_str_t name, gw_str_t value);
/* Remove every header called name, then add this one. */
int gw_response_set_header(gw_response_t *r, const char *name,
    const char *value);
/* First header called name (case-insensitive), or NULL. */
const gw_str_t *gw_response_get_header(const gw_response_t *r,
    const char *name);
int gw_response_remove_header(gw_response_t *r, const char *name);

/* Append a copy of data to the body. */
int gw_response_write(gw_response_t *r, const void *data, size_t len);
/* Append data without copying; it must outlive the request (static or arena
 * memory). */
int gw_response_write_ref(gw_response_t *r, const void *data, size_t len);
/* Drop the body written so far. */
void gw_response_clear_body(gw_response_t *r);

/* The reason phrase for a status ("Not Found"), "" when unknown. */
const char *gw_status_reason(int status);


/* ---- applications ------------------------------------------------------ */

/*
 * An application is a shared object that defines one symbol,
 *
 *     const gw_app_entry_t gw_app_entry = { GW_ABI_VERSION, "name",
 *                                           load, worker_init, call, unload };
 *
 * (GW_APP() below writes it).  A server loads the object once, calls load()
 * at configuration time so that an application error stops `nginx -t`, calls
 * worker_init() once in each worker process, then call() for every request,
 * possibly from several threads at once.
 */

#define GW_APP_SYMBOL  "gw_app_entry"

typedef struct {
    const char  *key;
    const char  *value;
} gw_config_item_t;

/* What a server tells an application at load time. */
typedef struct {
    const char              *path;      /* the .so, as configured */
    const gw_config_item_t  *config;    /* gateway_config KEY VALUE pairs */
    size_t                   nconfig;
    const char              *server;    /* "nginx" or "fcgi" */
    char                    *error;     /* load() writes why it failed */
    size_t                   error_size;
} gw_load_ctx_t;

typedef struct {
    uint32_t     abi;                   /* GW_ABI_VERSION */
    const char  *name;

    /* Build the application; *app is passed back to the others.  On failure
     * write a message to ctx->error and return GW_ERROR. */
    int        (*load)(gw_load_ctx_t *ctx, void **app);
    /* Once per worker process, after fork; may be NULL. */
    int        (*worker_init)(void *app, char *error, size_t error_size);
    /* Fill resp for env.  GW_ERROR makes the server answer 500 and log. */
    int        (*call)(void *app, gw_environ_t *env, gw_response_t *resp);
    /* May be NULL. */
    void       (*unload)(void *app);
} gw_app_entry_t;

/* visible even in an app built with -fvisibility=hidden: the server finds
 * the app by this one symbol */
#define GW_APP(name, load, worker_init, call, unload)                        \
    __attribute__((visibility("default")))                                    \
    const gw_app_entry_t gw_app_entry = {                                     \
        GW_ABI_VERSION, (name), (load), (worker_init), (call), (unload)       \
    }

/* A loaded application, as servers hold it. */
typedef struct {
    void                  *handle;      /* dlopen() handle */
    const gw_app_entry_t  *entry;
    void                  *app;
    const char            *path;
    int                    memfd;       /* the private copy, or -1 */
} gw_loaded_app_t;

/*
 * Load a private copy of path (fresh globals on every call, even for a path
 * loaded before; the file may be replaced or overwritten afterwards without
 * touching the loaded code), find gw_app_entry, check its ABI and run
 * load().  On failure returns GW_ERROR with the reason ("cannot open ...",
 * "no gw_app_entry symbol ...") in error.
 */
int gw_loader_open(gw_loaded_app_t *h, const char *path,
    const gw_config_item_t *config, size_t nconfig, const char *server,
    char *error, size_t error_size);
/*
 * Run the app's worker_init() in this worker process (GW_OK when it has
 * none).  On failure error reads "application \"PATH\" failed to start in
 * worker: REASON".  Apps' load(), worker_init() and call() run in the C
 * locale for numbers, whatever setlocale() the process made.
 */
int gw_loader_worker_init(gw_loaded_app_t *h, char *error,
    size_t error_size);
void gw_loader_close(gw_loaded_app_t *h);

/*
 * Run an application for one request: calls it, and turns a GW_ERROR or an
 * invalid status (a final status is 200-999) into a plain 500 whose cause
 * went to gateway.errors.  Headers that belong to the connection, not the
 * response (Connection, Keep-Alive, Transfer-Encoding, Upgrade, TE, Trailer,
 * Proxy-Connection, Status, Content-Length), are dropped, as nginx's
 * fastcgi module drops them, so both servers send the same headers.
 */
void gw_loader_call(gw_loaded_app_t *h, gw_environ_t *env,
    gw_response_t *resp);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* GW_CORE_H */
