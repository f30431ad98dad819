/*
 * reload.c: auto-reload, Flask's TEMPLATES_AUTO_RELOAD, for development.
 * Every template read from a file has a watch, shared by all its versions:
 * the file's path, mtime and size, and the version renders get now.  When
 * reload is on, a use of a template whose check is due stat()s the file
 * (under the env lock, at most once per interval) and compiles a changed
 * file into a new version published in front of the old one.  Renders in
 * flight may still walk an old version, so none is freed before the env.
 * A compile error sticks to the watch until the file changes again, so
 * the old version is never served in its place.
 */

#include "tmpl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>


enum {
    W_CURRENT = 0,      /* cur is what the file holds */
    W_FAILED,           /* the file changed and does not compile: error */
    W_GONE              /* the file is no longer there */
};

struct tmpl_watch_s {
    const char      *name;
    const char      *path;
    struct timespec  mtime;     /* of the file last compiled or tried */
    off_t            size;
    int64_t          next;      /* monotonic ns: no stat() before this */
    tmpl_t          *cur;       /* the version to render */
    int              state;
    const char      *error;     /* W_FAILED: "name:line:col: message" */
};


int
gw_tmpl_env_set_auto_reload(gw_tmpl_env_t *env, int on, unsigned interval_ms)
{
    env->reload_ns = (int64_t) interval_ms * 1000000;
    env->reload = on != 0;
    return GW_OK;
}


int
tmpl_watch_new(gw_tmpl_env_t *env, tmpl_t *t, const char *path,
    const struct stat *st)
{
    tmpl_watch_t  *w;

    /* the env arena: only ever grown under the lock or at start-up */
    w = gw_arena_calloc(env->arena, sizeof(tmpl_watch_t));
    if (w == NULL) {
        return GW_ERROR;
    }
    w->path = gw_arena_strdup(env->arena, path);
    if (w->path == NULL) {
        return GW_ERROR;
    }
    w->name = t->name;          /* the first version lives as long */
    w->mtime = st->st_mtim;
    w->size = st->st_size;
    w->cur = t;
    t->watch = w;
    return GW_OK;
}


static int64_t
now_ns(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}


static void
set_state(gw_tmpl_env_t *env, tmpl_watch_t *w, int state, const char *msg)
{
    if (state == W_FAILED) {
        w->error = gw_arena_strdup(env->arena, msg);
        if (w->error == NULL) {
            w->error = "out of memory";
        }
    }
    __atomic_store_n(&w->state, state, __ATOMIC_RELEASE);
}


static int
unchanged(tmpl_watch_t *w, const struct stat *st)
{
    return st->st_size == w->size && st->st_mtim.tv_sec == w->mtime.tv_sec
           && st->st_mtim.tv_nsec == w->mtime.tv_nsec;
}


/* Read the whole file; fstat() of the same descriptor gives the mtime and
 * size of exactly what was read, even if the file is being replaced. */
static char *
read_source(const char *path, struct stat *st, size_t *len, int *gone)
{
    char     *src;
    size_t    n;
    ssize_t   got;
    int       fd;

    *gone = 0;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd == -1) {
        *gone = errno == ENOENT || errno == ENOTDIR;
        return NULL;
    }
    if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
        *gone = 1;
        close(fd);
        return NULL;
    }
    src = malloc((size_t) st->st_size + 1);
    if (src == NULL) {
        close(fd);
        return NULL;
    }
    for (n = 0; n < (size_t) st->st_size; n += (size_t) got) {
        got = read(fd, src + n, (size_t) st->st_size - n);
        if (got == 0) {
            break;              /* truncated meanwhile: its mtime moved */
        }
        if (got < 0) {
            if (errno == EINTR) {
                got = 0;
                continue;
            }
            free(src);
            close(fd);
            return NULL;
        }
    }
    close(fd);
    src[n] = '\0';
    *len = n;
    return src;
}


/* Called with the lock held: bring w up to date with its file. */
static void
check(gw_tmpl_env_t *env, tmpl_watch_t *w)
{
    struct stat   st;
    tmpl_t       *t;
    char         *src;
    size_t        len;
    int           gone;
    char          msg[512];

    if (stat(w->path, &st) == 0 && S_ISREG(st.st_mode) && unchanged(w, &st)) {
        if (w->state == W_GONE) {
            set_state(env, w, W_CURRENT, NULL);     /* put back as it was */
        }
        return;
    }

    src = read_source(w->path, &st, &len, &gone);
    if (src == NULL) {
        if (gone) {
            set_state(env, w, W_GONE, NULL);
            return;
        }
        snprintf(msg, sizeof(msg), "%s: cannot read template", w->name);
        set_state(env, w, W_FAILED, msg);
        return;
    }
    /* remembered even when it fails: an unchanged broken file is not
     * compiled again on every use */
    w->mtime = st.st_mtim;
    w->size = st.st_size;

    msg[0] = '\0';
    t = tmpl_compile(env, w->name, src, len, msg, sizeof(msg));
    free(src);
    if (t == NULL) {
        set_state(env, w, W_FAILED, msg[0] ? msg : "compile failed");
        return;
    }
    t->watch = w;
    tmpl_env_link(env, t);
    __atomic_store_n(&w->cur, t, __ATOMIC_RELEASE);
    set_state(env, w, W_CURRENT, NULL);
}


tmpl_t *
tmpl_reload(gw_tmpl_env_t *env, tmpl_t *t, int *missing, char *err,
    size_t errsz)
{
    tmpl_watch_t  *w = t->watch;
    int64_t        now;

    if (w == NULL) {
        return t;               /* compiled from memory */
    }
    now = now_ns();
    if (now < __atomic_load_n(&w->next, __ATOMIC_RELAXED)
        && __atomic_load_n(&w->state, __ATOMIC_ACQUIRE) == W_CURRENT)
    {
        return __atomic_load_n(&w->cur, __ATOMIC_ACQUIRE);
    }

    pthread_mutex_lock(&env->lock);
    /* another thread may have looked while this one waited */
    if (now >= w->next) {
        __atomic_store_n(&w->next, now + env->reload_ns, __ATOMIC_RELAXED);
        check(env, w);
    }
    switch (w->state) {
    case W_CURRENT:
        t = w->cur;
        break;
    case W_GONE:
        *missing = 1;
        t = NULL;
        break;
    default:
        snprintf(err, errsz, "%s", w->error);
        t = NULL;
    }
    pthread_mutex_unlock(&env->lock);
    return t;
}
