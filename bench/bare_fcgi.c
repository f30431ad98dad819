/*
 * bare_fcgi.c: the FastCGI yardstick for bench/run: the least a libfcgi
 * responder can do, answering every request with one body read at start.
 *
 *     bare_fcgi SOCKET_PATH BODY_FILE CONTENT_TYPE
 *
 * It sends the same headers gateway-fcgi sends (Status, Content-Type,
 * Content-Length), so the two differ only in the work behind them.
 */

#include <fcgiapp.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static char *
bare_read_file(const char *path, size_t *len)
{
    FILE  *f;
    char  *data;
    long   size;

    f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0
        || fseek(f, 0, SEEK_SET) != 0)
    {
        fclose(f);
        return NULL;
    }
    data = malloc((size_t) size + 1);
    if (data == NULL
        || fread(data, 1, (size_t) size, f) != (size_t) size)
    {
        free(data);
        fclose(f);
        return NULL;
    }
    fclose(f);
    *len = (size_t) size;
    return data;
}


int
main(int argc, char **argv)
{
    FCGX_Request   req;
    size_t         len;
    char          *body, head[256];
    int            fd, hlen;

    if (argc != 4) {
        fprintf(stderr, "usage: %s SOCKET_PATH BODY_FILE CONTENT_TYPE\n",
                argv[0]);
        return 2;
    }
    body = bare_read_file(argv[2], &len);
    if (body == NULL) {
        perror(argv[2]);
        return 1;
    }

    /* the headers never change: build them once, as the body */
    hlen = snprintf(head, sizeof(head), "Status: 200 OK\r\n"
                    "Content-Type: %s\r\nContent-Length: %zu\r\n\r\n",
                    argv[3], len);
    if (hlen < 0 || (size_t) hlen >= sizeof(head)) {
        fprintf(stderr, "bare_fcgi: content type too long\n");
        return 1;
    }

    if (FCGX_Init() != 0) {
        fprintf(stderr, "bare_fcgi: FCGX_Init failed\n");
        return 1;
    }
    fd = FCGX_OpenSocket(argv[1], 128);
    if (fd < 0) {
        fprintf(stderr, "bare_fcgi: cannot listen on %s\n", argv[1]);
        return 1;
    }
    if (FCGX_InitRequest(&req, fd, 0) != 0) {
        return 1;
    }

    while (FCGX_Accept_r(&req) >= 0) {
        FCGX_PutStr(head, hlen, req.out);
        FCGX_PutStr(body, (int) len, req.out);
        FCGX_Finish_r(&req);
    }

    free(body);
    return 0;
}
