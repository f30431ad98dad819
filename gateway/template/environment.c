/*
 * environment.c: the template environment: an ordered search path, globals and
 * C functions, and the compiled templates.  load_all() compiles everything
 * at start-up so that a syntax error stops the server; a template asked for
 * later is compiled on first use under a lock and published with a release
 * store, so readers never lock.
 */

#include "tmpl.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>


gw_tmpl_env_t *
gw_tmpl_env_create(void)
{
    gw_tmpl_env_t  *env;

    env = calloc(1, sizeof(gw_tmpl_env_t));
    if (env == NULL) {
        return NULL;
    }
    env->arena = gw_arena_create(4096);
    env->globals = json_object();
    if (env->arena == NULL || env->globals == NULL
        || pthread_mutex_init(&env->lock, NULL) != 0)
    {
        if (env->arena) {
            gw_arena_destroy(env->arena);
        }
        json_decref(env->globals);
        free(env);
        return NULL;
    }
    /* may be NULL: case mapping then stays ASCII-only */
    env->loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t) 0);
    env->s_loop = tmpl_intern(env, "loop", 4);
    env->s_varargs = tmpl_intern(env, "varargs", 7);
    env->s_kwargs = tmpl_intern(env, "kwargs", 6);
    env->s_caller = tmpl_intern(env, "caller", 6);
    if (env->s_loop == NULL || env->s_varargs == NULL
        || env->s_kwargs == NULL || env->s_caller == NULL)
    {
        gw_tmpl_env_destroy(env);
        return NULL;
    }
    return env;
}


void
gw_tmpl_env_destroy(gw_tmpl_env_t *env)
{
    tmpl_t  *t, *next;
    size_t   i;

    if (env == NULL) {
        return;
    }
    for (t = env->templates; t != NULL; t = next) {
        next = t->next;
        gw_arena_destroy(t->arena);
    }
    for (i = 0; i < env->npaths; i++) {
        free(env->paths[i]);
    }
    free(env->paths);
    free(env->funcs);
    free(env->names);
    json_decref(env->globals);
    gw_arena_destroy(env->arena);
    pthread_mutex_destroy(&env->lock);
    if (env->loc != (locale_t) 0) {
        freelocale(env->loc);
    }
    free(env);
}


int
gw_tmpl_env_set_limits(gw_tmpl_env_t *env, size_t max_output,
    size_t max_memory, uint64_t max_steps)
{
    /* 0 leaves a cap as it was: the framework passes only what the
     * config names, over what setup() chose */
    if (max_output) {
        env->max_output = max_output;
    }
    if (max_memory) {
        env->max_memory = max_memory;
    }
    if (max_steps) {
        env->max_steps = max_steps;
    }
    return GW_OK;
}


int
gw_tmpl_env_add_path(gw_tmpl_env_t *env, const char *dir)
{
    char  **np, *d;

    d = strdup(dir);
    np = realloc(env->paths, (env->npaths + 1) * sizeof(char *));
    if (d == NULL || np == NULL) {
        free(d);
        if (np != NULL) {
            env->paths = np;
        }
        return GW_ERROR;
    }
    env->paths = np;
    env->paths[env->npaths++] = d;
    return GW_OK;
}


int
gw_tmpl_env_add_global_new(gw_tmpl_env_t *env, const char *name,
    json_t *value)
{
    if (value == NULL) {
        return GW_ERROR;
    }
    return json_object_set_new(env->globals, name, value) == 0 ? GW_OK
                                                               : GW_ERROR;
}


/* Both forms of C function land in one table; the render calls whichever
 * of fn and argfn is set. */
int
tmpl_env_add_func(gw_tmpl_env_t *env, const char *name, gw_tmpl_fn_pt fn,
    gw_tmpl_argfn_pt argfn, void *fn_data)
{
    tmpl_func_t  *nf;
    const char   *s;

    s = gw_arena_strdup(env->arena, name);
    nf = realloc(env->funcs, (env->nfuncs + 1) * sizeof(tmpl_func_t));
    if (s == NULL || nf == NULL) {
        if (nf != NULL) {
            env->funcs = nf;
        }
        return GW_ERROR;
    }
    env->funcs = nf;
    env->funcs[env->nfuncs].name = s;
    env->funcs[env->nfuncs].fn = fn;
    env->funcs[env->nfuncs].data = fn_data;
    env->funcs[env->nfuncs].argfn = argfn;
    env->nfuncs++;
    return GW_OK;
}


int
gw_tmpl_env_add_function(gw_tmpl_env_t *env, const char *name,
    gw_tmpl_fn_pt fn, void *fn_data)
{
    return tmpl_env_add_func(env, name, fn, NULL, fn_data);
}


/* Refuse what could leave the search path: "..", absolute names. */
static int
name_ok(const char *name, size_t len)
{
    size_t  i, start = 0;

    if (len == 0 || name[0] == '/' || memchr(name, '\0', len) != NULL) {
        return 0;
    }
    for (i = 0; i <= len; i++) {
        if (i == len || name[i] == '/') {
            if (i - start == 2 && name[start] == '.'
                && name[start + 1] == '.')
            {
                return 0;
            }
            start = i + 1;
        }
    }
    return 1;
}


static tmpl_t *
find_loaded(gw_tmpl_env_t *env, const char *name, size_t len)
{
    tmpl_t  *t;

    for (t = __atomic_load_n(&env->templates, __ATOMIC_ACQUIRE); t != NULL;
         t = t->next)
    {
        if (strncmp(t->name, name, len) == 0 && t->name[len] == '\0') {
            return t;
        }
    }
    return NULL;
}


static char *
read_file(const char *path, size_t *len, int *missing)
{
    FILE   *fp;
    char   *buf;
    long    size;

    *missing = 0;
    fp = fopen(path, "rb");
    if (fp == NULL) {
        *missing = errno == ENOENT || errno == ENOTDIR || errno == EISDIR;
        return NULL;
    }
    if (fseek(fp, 0, SEEK_END) != 0 || (size = ftell(fp)) < 0
        || fseek(fp, 0, SEEK_SET) != 0)
    {
        fclose(fp);
        *missing = 1;   /* a directory, typically */
        return NULL;
    }
    buf = malloc((size_t) size + 1);
    if (buf == NULL) {
        fclose(fp);
        return NULL;
    }
    if (fread(buf, 1, (size_t) size, fp) != (size_t) size) {
        free(buf);
        fclose(fp);
        return NULL;
    }
    fclose(fp);
    buf[size] = '\0';
    *len = (size_t) size;
    return buf;
}


/* Make a complete t visible to readers; called with the lock held. */
void
tmpl_env_link(gw_tmpl_env_t *env, tmpl_t *t)
{
    t->next = env->templates;
    __atomic_store_n(&env->templates, t, __ATOMIC_RELEASE);
}


/* Compile and publish; called with the lock held.  A template read from
 * path (st: its stat) remembers it for auto-reload. */
static tmpl_t *
publish(gw_tmpl_env_t *env, const char *name, const char *src, size_t len,
    const char *path, const struct stat *st, char *err, size_t errsz)
{
    tmpl_t  *t;

    t = tmpl_compile(env, name, src, len, err, errsz);
    if (t == NULL) {
        return NULL;
    }
    if (path != NULL && tmpl_watch_new(env, t, path, st) != GW_OK) {
        gw_arena_destroy(t->arena);
        snprintf(err, errsz, "%s: out of memory", name);
        return NULL;
    }
    tmpl_env_link(env, t);
    return t;
}


tmpl_t *
tmpl_env_get(gw_tmpl_env_t *env, const char *name, size_t len,
    int *missing, char *err, size_t errsz)
{
    tmpl_t      *t;
    char        *path, *src, *nm;
    size_t       i, slen;
    int          miss;
    struct stat  st;

    *missing = 0;
    if (!name_ok(name, len)) {
        snprintf(err, errsz, "%.*s: template name refused", (int) len, name);
        return NULL;
    }
    t = find_loaded(env, name, len);
    if (t != NULL) {
        /* only auto-reload looks at the file again; the default is this
         * lock-free lookup and nothing else */
        return env->reload ? tmpl_reload(env, t, missing, err, errsz) : t;
    }
    pthread_mutex_lock(&env->lock);
    t = find_loaded(env, name, len);
    if (t != NULL) {
        pthread_mutex_unlock(&env->lock);
        return t;
    }
    nm = strndup(name, len);
    if (nm == NULL) {
        pthread_mutex_unlock(&env->lock);
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    for (i = 0; i < env->npaths; i++) {
        if (asprintf(&path, "%s/%s", env->paths[i], nm) < 0) {
            break;
        }
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
            free(path);
            continue;
        }
        src = read_file(path, &slen, &miss);
        if (src == NULL) {
            free(path);
            if (miss) {
                continue;
            }
            snprintf(err, errsz, "%s: cannot read template", nm);
            break;
        }
        t = publish(env, nm, src, slen, path, &st, err, errsz);
        free(path);
        free(src);
        free(nm);
        pthread_mutex_unlock(&env->lock);
        return t;
    }
    if (i == env->npaths) {
        *missing = 1;
    }
    free(nm);
    pthread_mutex_unlock(&env->lock);
    return NULL;
}


int
gw_tmpl_env_add_string(gw_tmpl_env_t *env, const char *name,
    const char *source, size_t len, char *error, size_t error_size)
{
    tmpl_t  *t, **pp;
    int      rc = GW_OK;

    if (!name_ok(name, strlen(name))) {
        snprintf(error, error_size, "%s: template name refused", name);
        return GW_ERROR;
    }
    pthread_mutex_lock(&env->lock);
    /* a replaced template is unlinked; it stays allocated until destroy
     * since a concurrent render may still hold it */
    for (pp = &env->templates; *pp != NULL; pp = &(*pp)->next) {
        if (strcmp((*pp)->name, name) == 0) {
            (*pp)->name = "";
            break;
        }
    }
    t = publish(env, name, source, len, NULL, NULL, error, error_size);
    if (t == NULL) {
        rc = GW_ERROR;
    }
    pthread_mutex_unlock(&env->lock);
    return rc;
}


static int
load_dir(gw_tmpl_env_t *env, const char *root, const char *rel, char *error,
    size_t error_size)
{
    DIR            *d;
    struct dirent  *de;
    char           *path, *name;
    struct stat     st;
    tmpl_t         *t;
    int             missing, rc = GW_OK;

    if (asprintf(&path, "%s%s%s", root, rel[0] ? "/" : "", rel) < 0) {
        return GW_ERROR;
    }
    d = opendir(path);
    free(path);
    if (d == NULL) {
        snprintf(error, error_size, "%s: cannot open template directory",
                 root);
        return GW_ERROR;
    }
    while (rc == GW_OK && (de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.') {
            continue;
        }
        if (asprintf(&name, "%s%s%s", rel, rel[0] ? "/" : "", de->d_name)
            < 0)
        {
            rc = GW_ERROR;
            break;
        }
        if (asprintf(&path, "%s/%s", root, name) < 0) {
            free(name);
            rc = GW_ERROR;
            break;
        }
        if (stat(path, &st) == 0) {
            if (S_ISDIR(st.st_mode)) {
                rc = load_dir(env, root, name, error, error_size);
            } else if (S_ISREG(st.st_mode)) {
                t = tmpl_env_get(env, name, strlen(name), &missing, error,
                                 error_size);
                if (t == NULL) {
                    if (missing) {
                        snprintf(error, error_size, "%s: cannot load", name);
                    }
                    rc = GW_ERROR;
                }
            }
        }
        free(path);
        free(name);
    }
    closedir(d);
    return rc;
}


int
gw_tmpl_env_load_all(gw_tmpl_env_t *env, char *error, size_t error_size)
{
    size_t  i;

    error[0] = '\0';
    for (i = 0; i < env->npaths; i++) {
        if (load_dir(env, env->paths[i], "", error, error_size) != GW_OK) {
            return GW_ERROR;
        }
    }
    return GW_OK;
}
