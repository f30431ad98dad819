/*
 * main.c: gateway-fcgi, the out-of-process server: reads the options,
 * loads the application (so its errors stop the start), opens the
 * listening socket, and hands over to the master, which forks the workers.
 */

#include "fcgi.h"

#include <errno.h>
#include <fcgiapp.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


static void
gw_fcgi_usage(FILE *f)
{
    fprintf(f,
        "usage: gateway-fcgi --app APP.so --listen unix:PATH|HOST:PORT\n"
        "         [--workers N] [--threads N] [--timeout S]\n"
        "         [--graceful-timeout S] [--read-timeout S] "
        "[--idle-timeout S]\n"
        "         [--max-requests N] [--max-body SIZE] [--socket-mode MODE]\n"
        "         [--config KEY=VALUE]...\n");
}


/* A whole number in [min, max], nothing else. */
static int
gw_fcgi_number(const char *opt, const char *s, long min, long max,
    long *out)
{
    char  *end;
    long   n;

    errno = 0;
    n = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || n < min || n > max) {
        fprintf(stderr, "gateway-fcgi: %s must be a number from %ld to %ld, "
                "got \"%s\"\n", opt, min, max, s);
        return GW_ERROR;
    }

    *out = n;
    return GW_OK;
}


/* "1m", "512k", "1048576": as nginx's client_max_body_size. */
static int
gw_fcgi_size(const char *s, size_t *out)
{
    char           *end;
    unsigned long   n, unit;

    unit = 1;
    errno = 0;
    n = (s[0] >= '0' && s[0] <= '9') ? strtoul(s, &end, 10) : 0;
    if (errno != 0 || n == 0) {
        goto invalid;
    }

    switch (*end) {
    case 'k': case 'K': unit = 1024; end++; break;
    case 'm': case 'M': unit = 1024 * 1024; end++; break;
    case 'g': case 'G': unit = 1024 * 1024 * 1024; end++; break;
    default: break;
    }

    if (*end != '\0' || n > (1UL << 40) / unit) {
        goto invalid;
    }

    *out = n * unit;
    return GW_OK;

invalid:

    fprintf(stderr, "gateway-fcgi: --max-body wants a size from 1 to 1024g "
            "(e.g. 1m, 512k), got \"%s\"\n", s);
    return GW_ERROR;
}


static int
gw_fcgi_options(int argc, char **argv, gw_fcgi_conf_t *conf)
{
    static const struct {
        const char  *name;
        size_t       offset;
        long         min, max;
    } ints[] = {
        { "--workers", offsetof(gw_fcgi_conf_t, workers), 1,
          GW_FCGI_MAX_WORKERS },
        { "--threads", offsetof(gw_fcgi_conf_t, threads), 1,
          GW_FCGI_MAX_THREADS },
        { "--timeout", offsetof(gw_fcgi_conf_t, timeout), 0, 86400 },
        { "--graceful-timeout", offsetof(gw_fcgi_conf_t, graceful_timeout),
          0, 86400 },
        { "--read-timeout", offsetof(gw_fcgi_conf_t, read_timeout), 1,
          86400 },
        { "--idle-timeout", offsetof(gw_fcgi_conf_t, idle_timeout), 1,
          86400 },
    };
    char    *eq, *end;
    long     n;
    size_t   k;
    int      i;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            gw_fcgi_usage(stdout);
            exit(0);
        }

        if (i + 1 >= argc) {
            fprintf(stderr, "gateway-fcgi: %s needs a value\n", argv[i]);
            gw_fcgi_usage(stderr);
            return GW_ERROR;
        }

        for (k = 0; k < sizeof(ints) / sizeof(ints[0]); k++) {
            if (strcmp(argv[i], ints[k].name) == 0) {
                break;
            }
        }

        if (k < sizeof(ints) / sizeof(ints[0])) {
            if (gw_fcgi_number(argv[i], argv[i + 1], ints[k].min,
                               ints[k].max, &n)
                != GW_OK)
            {
                return GW_ERROR;
            }
            *(int *) ((char *) conf + ints[k].offset) = (int) n;
            i++;

        } else if (strcmp(argv[i], "--app") == 0) {
            conf->app_path = argv[++i];

        } else if (strcmp(argv[i], "--listen") == 0) {
            conf->listen = argv[++i];

        } else if (strcmp(argv[i], "--max-requests") == 0) {
            if (gw_fcgi_number(argv[i], argv[i + 1], 0, 1000000000L, &n)
                != GW_OK)
            {
                return GW_ERROR;
            }
            conf->max_requests = (unsigned long) n;
            i++;

        } else if (strcmp(argv[i], "--max-body") == 0) {
            if (gw_fcgi_size(argv[++i], &conf->max_body) != GW_OK) {
                return GW_ERROR;
            }

        } else if (strcmp(argv[i], "--socket-mode") == 0) {
            errno = 0;
            n = strtol(argv[++i], &end, 8);
            if (errno != 0 || *end != '\0' || end == argv[i] || n < 0
                || n > 0777)
            {
                fprintf(stderr, "gateway-fcgi: --socket-mode wants an octal "
                        "mode such as 0660, got \"%s\"\n", argv[i]);
                return GW_ERROR;
            }
            conf->socket_mode = (unsigned) n;

        } else if (strcmp(argv[i], "--config") == 0) {
            eq = strchr(argv[++i], '=');
            if (eq == NULL) {
                fprintf(stderr, "gateway-fcgi: --config wants KEY=VALUE, "
                        "got \"%s\"\n", argv[i]);
                return GW_ERROR;
            }
            *eq = '\0';
            conf->config[conf->nconfig].key = argv[i];
            conf->config[conf->nconfig].value = eq + 1;
            conf->nconfig++;

        } else {
            fprintf(stderr, "gateway-fcgi: unknown option \"%s\"\n",
                    argv[i]);
            gw_fcgi_usage(stderr);
            return GW_ERROR;
        }
    }

    if (conf->app_path == NULL || conf->listen == NULL) {
        gw_fcgi_usage(stderr);
        return GW_ERROR;
    }

    return GW_OK;
}


/* The socket every worker inherits; non-blocking, as workers poll() it
 * and more than one may wake for one connection. */
static int
gw_fcgi_open(gw_fcgi_conf_t *conf)
{
    const char  *listen = conf->listen;
    mode_t       old;
    int          fd;

    if (strncmp(listen, "unix:", 5) == 0) {
        /* a socket left by a daemon that died would make bind() fail */
        unlink(listen + 5);
        /* created with the mode asked for: no window where anyone else
         * may connect */
        old = umask(~conf->socket_mode & 0777);
        fd = FCGX_OpenSocket(listen + 5, 1024);
        umask(old);
        if (fd >= 0 && chmod(listen + 5, conf->socket_mode) != 0) {
            close(fd);
            return -1;
        }

    } else if (strchr(listen, ':') == NULL) {
        errno = EINVAL;
        return -1;

    } else {
        fd = FCGX_OpenSocket(listen, 1024);
    }

    if (fd >= 0) {
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    }
    return fd;
}


int
main(int argc, char **argv)
{
    gw_fcgi_conf_t    conf;
    gw_loaded_app_t   app;
    char              error[1024];
    int               rc;

    memset(&conf, 0, sizeof(conf));
    conf.workers = 1;
    conf.threads = 1;
    conf.graceful_timeout = 30;
    conf.read_timeout = 30;
    conf.idle_timeout = 120;
    conf.max_body = 1024 * 1024;
    conf.socket_mode = 0660;

    conf.config = calloc((size_t) argc, sizeof(gw_config_item_t));
    if (conf.config == NULL) {
        return 1;
    }

    if (gw_fcgi_options(argc, argv, &conf) != GW_OK) {
        free(conf.config);
        return 2;
    }

    rc = 1;

    if (gw_loader_open(&app, conf.app_path, conf.config, conf.nconfig, "fcgi",
                       error, sizeof(error))
        != GW_OK)
    {
        fprintf(stderr, "gateway-fcgi: %s\n", error);
        goto done;
    }

    conf.listen_fd = gw_fcgi_open(&conf);
    if (conf.listen_fd < 0) {
        fprintf(stderr, "gateway-fcgi: cannot listen on \"%s\": %s\n",
                conf.listen, strerror(errno));
        goto unload;
    }

    rc = gw_fcgi_master(&conf, &app);

    close(conf.listen_fd);
    if (strncmp(conf.listen, "unix:", 5) == 0) {
        unlink(conf.listen + 5);
    }

unload:

    gw_loader_close(&app);

done:

    free(conf.config);
    return rc;
}
