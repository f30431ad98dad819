/*
 * notes.h: the demo site's storage, the only door to its data.  Handlers
 * speak JSON notes ({"id", "title", "body", "created", "tags"}); a backend
 * (notes_sqlite.c today, one on libpq tomorrow) implements these calls.
 */

#ifndef NOTES_H
#define NOTES_H

#include <jansson.h>
#include <stddef.h>

typedef struct notes_db_s  notes_db_t;

#define NOTES_OK          0
#define NOTES_ERROR      -1     /* the cause is in error */
#define NOTES_NOT_FOUND   1

/* Every message fits this; the handler logs it and answers 500. */
#define NOTES_ERROR_SIZE  256

/*
 * Load time (the nginx master, `nginx -t`): checks that location names a
 * database this backend can open, without opening it.  *missing says
 * whether it must be created (notes_open() will, from seed).  Writes
 * nothing.
 */
int notes_check(const char *location, int *missing, char *error);

/*
 * One connection per worker process, opened by its start-up hook; several
 * threads may share it (calls are serialised on it).  When the database
 * does not exist yet it is created from seed (an array of notes, borrowed;
 * NULL when notes_check() found the database), safely if workers race to
 * do it.
 */
notes_db_t *notes_open(const char *location, const json_t *seed,
    char *error);
void notes_close(notes_db_t *db);

/* Notes by id, all or those with tag (tag NULL: all); *out a new array. */
int notes_list(notes_db_t *db, const char *tag, json_t **out, char *error);
/* *out a new note, NOTES_NOT_FOUND when there is none. */
int notes_find(notes_db_t *db, json_int_t id, json_t **out, char *error);
/* Every tag once, sorted by code point; *out a new array. */
int notes_tags(notes_db_t *db, json_t **out, char *error);

/*
 * fields (borrowed) holds "title" and "body" strings and "tags", an array
 * of strings, already validated.  update changes only the fields present
 * (PATCH); created is set by the store.
 */
int notes_create(notes_db_t *db, const json_t *fields, json_int_t *id,
    char *error);
int notes_update(notes_db_t *db, json_int_t id, const json_t *fields,
    char *error);
int notes_delete(notes_db_t *db, json_int_t id, char *error);

#endif /* NOTES_H */
