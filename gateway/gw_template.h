/*
 * gw_template.h: the template engine, Jinja2's syntax and semantics over
 * jansson values.  Usable on its own (gw-render uses nothing else); the
 * framework's render and url_for are built on it.
 */

#ifndef GW_TEMPLATE_H
#define GW_TEMPLATE_H

#include <jansson.h>

#include "gw_core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* the library exports exactly what its public headers declare */
#pragma GCC visibility push(default)

/*
 * An environment holds compiled templates found on an ordered search path.
 * gw_tmpl_env_load_all() compiles every file once at start-up (a syntax
 * error is reported as "name:line:col: message"); afterwards the environment
 * is read-only, so any number of threads may render from it at once.  All
 * render-time memory comes from the arena given to gw_tmpl_render().
 * Autoescaping is on for names ending in .html .htm .xml .xhtml.
 */
typedef struct gw_tmpl_env_s  gw_tmpl_env_t;

/* A C function callable from templates, e.g. url_for().  args is an array,
 * kwargs an object (both borrowed); store a new reference in *result, or
 * write a message to error and return GW_ERROR.  render_data is what was
 * passed to gw_tmpl_render(). */
typedef int (*gw_tmpl_fn_pt)(void *fn_data, void *render_data, json_t *args,
    json_t *kwargs, json_t **result, char *error, size_t error_size);

/*
 * The same for functions a page calls many times (url_for): no JSON
 * containers per call.  Each argument is a borrowed view: a keyword
 * argument has a name (positional ones NULL, first); scalars are given by
 * type (JSON_STRING: s and len, not NUL-terminated; JSON_INTEGER: i;
 * JSON_REAL: f; JSON_TRUE, JSON_FALSE, JSON_NULL), lists and dicts as json
 * (borrowed, JSON_ARRAY or JSON_OBJECT).  The function appends its result
 * to out, a buffer in the render's arena; the text is a plain string to
 * the template (escaped on output when autoescape is on).
 */
typedef struct {
    const char  *name;
    json_type    type;
    const char  *s;
    size_t       len;
    json_int_t   i;
    double       f;
    json_t      *json;
} gw_tmpl_arg_t;

typedef int (*gw_tmpl_argfn_pt)(void *fn_data, void *render_data,
    const gw_tmpl_arg_t *args, size_t nargs, gw_buf_t *out, char *error,
    size_t error_size);

gw_tmpl_env_t *gw_tmpl_env_create(void);
void gw_tmpl_env_destroy(gw_tmpl_env_t *env);
/* Directories are searched in the order they were added. */
int gw_tmpl_env_add_path(gw_tmpl_env_t *env, const char *dir);
/* A global visible to every template; steals value. */
int gw_tmpl_env_add_global_new(gw_tmpl_env_t *env, const char *name,
    json_t *value);
int gw_tmpl_env_add_function(gw_tmpl_env_t *env, const char *name,
    gw_tmpl_fn_pt fn, void *fn_data);
int gw_tmpl_env_add_function_args(gw_tmpl_env_t *env, const char *name,
    gw_tmpl_argfn_pt fn, void *fn_data);
/* Compile every (non-hidden) file under the search path. */
int gw_tmpl_env_load_all(gw_tmpl_env_t *env, char *error, size_t error_size);
/* Compile one template from memory under name (replacing one of that name);
 * for tests and for templates kept in the application binary. */
int gw_tmpl_env_add_string(gw_tmpl_env_t *env, const char *name,
    const char *source, size_t len, char *error, size_t error_size);

/*
 * Development mode, Flask's TEMPLATES_AUTO_RELOAD.  With on, a template
 * read from a file is checked before use, at most once every interval_ms
 * (GW_TMPL_RELOAD_INTERVAL: one second; 0: every use): if the file's mtime
 * or size changed it is compiled again.  If it no longer compiles, uses
 * fail with "name:line:col: message" until the file is fixed; the old
 * version is not served instead.  Replaced versions stay in memory until
 * the environment is destroyed.  Off by default: no stat(), no lock.  Set
 * it before rendering starts.
 */
#define GW_TMPL_RELOAD_INTERVAL  1000
int gw_tmpl_env_set_auto_reload(gw_tmpl_env_t *env, int on,
    unsigned interval_ms);

/*
 * Caps on one render, so that a template (or the data it is given) cannot
 * take a worker's memory: max_output bytes in any text the render builds
 * (the page, a {% set %} block, a macro's result), max_memory bytes taken
 * from the render's arena, max_steps loop iterations and calls.  0 leaves
 * a cap as it is (the default unless set before).  A render past one
 * fails with "name:line:col: message" naming the cap.  Set them before
 * rendering starts.  The framework reads them from the config keys
 * TEMPLATE_MAX_OUTPUT, TEMPLATE_MAX_MEMORY and TEMPLATE_MAX_STEPS.
 */
#define GW_TMPL_MAX_OUTPUT  ((size_t) 32 << 20)
#define GW_TMPL_MAX_MEMORY  ((size_t) 256 << 20)
#define GW_TMPL_MAX_STEPS   50000000
int gw_tmpl_env_set_limits(gw_tmpl_env_t *env, size_t max_output,
    size_t max_memory, uint64_t max_steps);

/*
 * Render template name with context (an object, borrowed; NULL for none),
 * appending to out.  A name holding ".." segments or starting with "/" is
 * refused.  Errors read "name:line:col: message".
 */
int gw_tmpl_render(gw_tmpl_env_t *env, const char *name, json_t *context,
    void *render_data, gw_arena_t *arena, gw_buf_t *out, char *error,
    size_t error_size);

/*
 * gw_tmpl_render() where context[lazy_name], unless the context holds that
 * name itself, is lazy(render_data, NULL), called only if a template looks
 * the name up, at most once per render: the framework's request object.
 * "lazy_name.attr" first asks lazy(render_data, "attr") for that member
 * alone; NULL there means "build the whole object".  lazy returns a
 * borrowed value that lives as long as the arena; NULL for the whole
 * object means out of memory.
 */
typedef json_t *(*gw_tmpl_lazy_pt)(void *render_data, const char *attr);
int gw_tmpl_render_lazy(gw_tmpl_env_t *env, const char *name,
    json_t *context, const char *lazy_name, gw_tmpl_lazy_pt lazy,
    void *render_data, gw_arena_t *arena, gw_buf_t *out, char *error,
    size_t error_size);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* GW_TEMPLATE_H */
