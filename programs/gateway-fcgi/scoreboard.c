/*
 * scoreboard.c: memory shared by the master and its workers, mapped once
 * before the first fork.  Each handler thread publishes the request it is
 * running and since when, so the master can name the request a crashed
 * worker was running and find requests past --timeout.
 */

#include "fcgi.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

static char    *gw_fcgi_boards;
static size_t   gw_fcgi_board_size;


int
gw_fcgi_board_create(int nboards, int nthreads)
{
    size_t  size;

    size = sizeof(gw_fcgi_board_t) + (size_t) nthreads * sizeof(gw_fcgi_slot_t);
    size = (size + 63) & ~(size_t) 63;

    gw_fcgi_boards = mmap(NULL, size * (size_t) nboards,
                          PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                          -1, 0);
    if (gw_fcgi_boards == MAP_FAILED) {
        gw_fcgi_boards = NULL;
        return GW_ERROR;
    }

    gw_fcgi_board_size = size;
    return GW_OK;
}


gw_fcgi_board_t *
gw_fcgi_board(int i)
{
    return (gw_fcgi_board_t *) (gw_fcgi_boards
                                + (size_t) i * gw_fcgi_board_size);
}


void
gw_fcgi_board_clear(int i)
{
    memset(gw_fcgi_board(i), 0, gw_fcgi_board_size);
}


void
gw_fcgi_slot_begin(gw_fcgi_slot_t *s, const char *method, const char *uri)
{
    snprintf(s->line, sizeof(s->line), "%s %s", method ? method : "-",
             uri ? uri : "-");
    __atomic_store_n(&s->start_ms, gw_fcgi_now_ms(), __ATOMIC_RELEASE);
}


void
gw_fcgi_slot_end(gw_fcgi_slot_t *s)
{
    __atomic_store_n(&s->start_ms, 0, __ATOMIC_RELEASE);
}


int64_t
gw_fcgi_slot_read(gw_fcgi_slot_t *s, char *line)
{
    int64_t  start;

    start = __atomic_load_n(&s->start_ms, __ATOMIC_ACQUIRE);
    if (start == 0) {
        return 0;
    }

    memcpy(line, s->line, GW_FCGI_LINE_SIZE);
    line[GW_FCGI_LINE_SIZE - 1] = '\0';
    __atomic_thread_fence(__ATOMIC_ACQUIRE);

    /* a new request began while we copied: the line may be torn */
    if (__atomic_load_n(&s->start_ms, __ATOMIC_RELAXED) != start) {
        return 0;
    }

    return start;
}
