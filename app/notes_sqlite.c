/*
 * notes_sqlite.c: the notes in one SQLite file shared by every nginx worker
 * and gateway-fcgi: WAL (readers never wait for the writer), a busy timeout
 * for writers, statements prepared once per connection.  The tag list
 * every page shows is kept per connection until the notes change.
 */

#include "notes.h"

#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Writers queue for up to this long before SQLITE_BUSY becomes a 500. */
#define NOTES_BUSY_MS  5000

enum {
    Q_LIST, Q_LIST_TAG, Q_FIND, Q_TAGS, Q_CREATE, Q_UPDATE, Q_DELETE,
    Q_VERSION, Q_N
};

/* Tags are a JSON array in their note's row: a note is one row, in the
 * order its author gave the tags; json_each() finds a tag. */
#define NOTE_COLS  "SELECT id, title, body, created, tags FROM notes "

static const char  *notes_sql[Q_N] = {
    NOTE_COLS "ORDER BY id",
    NOTE_COLS "WHERE EXISTS (SELECT 1 FROM json_each(notes.tags) "
              "WHERE value = ?1) ORDER BY id",
    NOTE_COLS "WHERE id = ?1",
    "SELECT DISTINCT t.value FROM notes, json_each(notes.tags) AS t "
    "ORDER BY 1",
    "INSERT INTO notes (title, body, tags, created) VALUES (?1, ?2, ?3, "
    "strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
    "UPDATE notes SET title = coalesce(?1, title), body = coalesce(?2, body),"
    " tags = coalesce(?3, tags) WHERE id = ?4",
    "DELETE FROM notes WHERE id = ?1",
    "PRAGMA data_version",
};

static const char  notes_schema[] =
    "PRAGMA journal_mode = WAL;"
    "CREATE TABLE notes ("
    " id      INTEGER PRIMARY KEY AUTOINCREMENT,"   /* ids never reused */
    " title   TEXT NOT NULL,"
    " body    TEXT NOT NULL,"
    " created TEXT NOT NULL,"
    " tags    TEXT NOT NULL DEFAULT '[]');";

struct notes_db_s {
    sqlite3          *conn;
    sqlite3_stmt     *q[Q_N];
    pthread_mutex_t   lock;         /* one statement runs at a time */
    json_t           *tags;         /* the last tag list, valid while */
    sqlite3_int64     version;      /* other connections commit nothing */
    sqlite3_int64     changes;      /* and this one changes no row */
};


static int
notes_err(sqlite3 *conn, const char *what, char *error)
{
    snprintf(error, NOTES_ERROR_SIZE, "sqlite: %s: %s", what,
             conn ? sqlite3_errmsg(conn) : "out of memory");
    return NOTES_ERROR;
}


int
notes_check(const char *path, int *missing, char *error)
{
    FILE  *f;
    char   magic[16];
    int    ok;

    f = fopen(path, "rb");
    if (f == NULL) {
        if (errno == ENOENT) {
            *missing = 1;
            return NOTES_OK;
        }
        snprintf(error, NOTES_ERROR_SIZE, "%s: %s", path, strerror(errno));
        return NOTES_ERROR;
    }
    ok = fread(magic, 1, sizeof(magic), f) == sizeof(magic)
         && memcmp(magic, "SQLite format 3", sizeof(magic)) == 0;
    fclose(f);
    if (!ok) {
        snprintf(error, NOTES_ERROR_SIZE, "%s: not an SQLite database",
                 path);
        return NOTES_ERROR;
    }
    *missing = 0;
    return NOTES_OK;
}


/* A statement's run, and the connection's error if it fails. */
static int
notes_step_done(sqlite3_stmt *st, const char *what, char *error)
{
    int  rc = sqlite3_step(st);

    sqlite3_reset(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        return notes_err(sqlite3_db_handle(st), what, error);
    }
    return NOTES_OK;
}


static int
notes_bind_text(sqlite3_stmt *st, int i, const json_t *v)
{
    if (v == NULL) {
        return sqlite3_bind_null(st, i);
    }
    return sqlite3_bind_text(st, i, json_string_value(v),
                             (int) json_string_length(v), SQLITE_TRANSIENT);
}


/* ?1 title, ?2 body, ?3 tags as JSON text; absent fields are NULL. */
static int
notes_bind_fields(sqlite3_stmt *st, const json_t *fields, char *error)
{
    json_t  *tags = json_object_get(fields, "tags");
    char    *text = NULL;
    int      rc;

    if (tags != NULL) {
        text = json_dumps(tags, JSON_COMPACT);
        if (text == NULL) {
            snprintf(error, NOTES_ERROR_SIZE, "tags: out of memory");
            return NOTES_ERROR;
        }
    }
    rc = notes_bind_text(st, 1, json_object_get(fields, "title"));
    if (rc == SQLITE_OK) {
        rc = notes_bind_text(st, 2, json_object_get(fields, "body"));
    }
    if (rc == SQLITE_OK) {
        rc = text ? sqlite3_bind_text(st, 3, text, -1, SQLITE_TRANSIENT)
                  : sqlite3_bind_null(st, 3);
    }
    free(text);
    if (rc != SQLITE_OK) {
        return notes_err(sqlite3_db_handle(st), "bind", error);
    }
    return NOTES_OK;
}


/* Creates the database at a temporary name and links it into place, so a
 * worker that loses the race to another finds a whole database either
 * way and no one ever sees half of one. */
static int
notes_create_file(const char *path, const json_t *seed, char *error)
{
    sqlite3       *conn = NULL;
    sqlite3_stmt  *st = NULL;
    const json_t  *note;
    size_t         i;
    char          *tmp;
    int            fd, rc;

    tmp = sqlite3_mprintf("%s.new-XXXXXX", path);
    if (tmp == NULL) {
        return notes_err(NULL, path, error);
    }
    fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(error, NOTES_ERROR_SIZE, "%s: %s", tmp, strerror(errno));
        sqlite3_free(tmp);
        return NOTES_ERROR;
    }
    fchmod(fd, 0644);
    close(fd);

    rc = NOTES_ERROR;
    if (sqlite3_open(tmp, &conn) != SQLITE_OK
        || sqlite3_exec(conn, notes_schema, NULL, NULL, NULL) != SQLITE_OK
        || sqlite3_exec(conn, "BEGIN", NULL, NULL, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(conn, "INSERT INTO notes (id, title, body, "
                              "tags, created) VALUES (?4, ?1, ?2, ?3, ?5)",
                              -1, &st, NULL) != SQLITE_OK)
    {
        notes_err(conn, path, error);
        goto done;
    }

    json_array_foreach(seed, i, note) {
        if (notes_bind_fields(st, note, error) != NOTES_OK
            || sqlite3_bind_int64(st, 4, json_integer_value(
                   json_object_get(note, "id"))) != SQLITE_OK
            || notes_bind_text(st, 5, json_object_get(note, "created"))
               != SQLITE_OK
            || notes_step_done(st, path, error) != NOTES_OK)
        {
            goto done;
        }
    }
    if (sqlite3_exec(conn, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        notes_err(conn, path, error);
        goto done;
    }
    rc = NOTES_OK;

done:
    sqlite3_finalize(st);
    sqlite3_close(conn);
    if (rc == NOTES_OK && link(tmp, path) != 0 && errno != EEXIST) {
        snprintf(error, NOTES_ERROR_SIZE, "%s: %s", path, strerror(errno));
        rc = NOTES_ERROR;
    }
    unlink(tmp);
    sqlite3_free(tmp);
    return rc;
}


notes_db_t *
notes_open(const char *path, const json_t *seed, char *error)
{
    notes_db_t  *db;
    int          i, missing;

    if (notes_check(path, &missing, error) != NOTES_OK) {
        return NULL;
    }
    if (missing && seed == NULL) {
        snprintf(error, NOTES_ERROR_SIZE, "%s: gone since the application "
                 "was loaded (reload to make it again)", path);
        return NULL;
    }
    if (missing && notes_create_file(path, seed, error) != NOTES_OK) {
        return NULL;
    }

    db = calloc(1, sizeof(notes_db_t));
    if (db == NULL) {
        notes_err(NULL, path, error);
        return NULL;
    }
    pthread_mutex_init(&db->lock, NULL);

    /* NOMUTEX: db->lock already keeps the connection to one thread */
    if (sqlite3_open_v2(path, &db->conn, SQLITE_OPEN_READWRITE
                        | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK
        || sqlite3_busy_timeout(db->conn, NOTES_BUSY_MS) != SQLITE_OK
        || sqlite3_exec(db->conn, "PRAGMA journal_mode = WAL;"
                        "PRAGMA synchronous = NORMAL;", NULL, NULL, NULL)
           != SQLITE_OK)
    {
        notes_err(db->conn, path, error);
        notes_close(db);
        return NULL;
    }

    for (i = 0; i < Q_N; i++) {
        if (sqlite3_prepare_v3(db->conn, notes_sql[i], -1,
                               SQLITE_PREPARE_PERSISTENT, &db->q[i], NULL)
            != SQLITE_OK)
        {
            notes_err(db->conn, path, error);
            notes_close(db);
            return NULL;
        }
    }
    return db;
}


void
notes_close(notes_db_t *db)
{
    int  i;

    if (db == NULL) {
        return;
    }
    for (i = 0; i < Q_N; i++) {
        sqlite3_finalize(db->q[i]);
    }
    json_decref(db->tags);
    sqlite3_close(db->conn);
    pthread_mutex_destroy(&db->lock);
    free(db);
}


static json_t *
notes_column(sqlite3_stmt *st, int i)
{
    return json_stringn((const char *) sqlite3_column_text(st, i),
                        sqlite3_column_bytes(st, i));
}


/* The current row of a NOTE_COLS statement as a note. */
static json_t *
notes_row(sqlite3_stmt *st)
{
    json_t  *tags;

    tags = json_loadb((const char *) sqlite3_column_text(st, 4),
                      sqlite3_column_bytes(st, 4), 0, NULL);
    if (!json_is_array(tags)) {
        json_decref(tags);
        return NULL;
    }
    return json_pack("{sIsosososo}",
                     "id", (json_int_t) sqlite3_column_int64(st, 0),
                     "title", notes_column(st, 1),
                     "body", notes_column(st, 2),
                     "created", notes_column(st, 3),
                     "tags", tags);
}


/* Runs st (bound) and collects its rows: notes, or the first column. */
static int
notes_collect(notes_db_t *db, sqlite3_stmt *st, int whole, json_t **out,
    char *error)
{
    json_t  *all, *v;
    int      rc;

    all = json_array();
    if (all == NULL) {
        sqlite3_reset(st);
        return notes_err(NULL, "list", error);
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        v = whole ? notes_row(st) : notes_column(st, 0);
        if (json_array_append_new(all, v) != 0) {
            rc = SQLITE_NOMEM;
            break;
        }
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        json_decref(all);
        if (rc == SQLITE_NOMEM) {
            snprintf(error, NOTES_ERROR_SIZE, "sqlite: a row that is not a "
                     "note (tags not a JSON array?) or out of memory");
            return NOTES_ERROR;
        }
        return notes_err(db->conn, "list", error);
    }
    *out = all;
    return NOTES_OK;
}


int
notes_list(notes_db_t *db, const char *tag, json_t **out, char *error)
{
    sqlite3_stmt  *st;
    int            rc;

    pthread_mutex_lock(&db->lock);
    st = db->q[tag ? Q_LIST_TAG : Q_LIST];
    if (tag != NULL
        && sqlite3_bind_text(st, 1, tag, -1, SQLITE_TRANSIENT) != SQLITE_OK)
    {
        rc = notes_err(db->conn, "list", error);
    } else {
        rc = notes_collect(db, st, 1, out, error);
    }
    pthread_mutex_unlock(&db->lock);
    return rc;
}


/*
 * PRAGMA data_version changes when another connection commits, and
 * sqlite3_total_changes() when this one writes: while neither moves, the
 * tags read last are still the tags (the query walks every note's tags).
 */
int
notes_tags(notes_db_t *db, json_t **out, char *error)
{
    sqlite3_stmt   *v = db->q[Q_VERSION];
    sqlite3_int64   version, changes;
    int             rc;

    pthread_mutex_lock(&db->lock);
    rc = sqlite3_step(v);
    version = sqlite3_column_int64(v, 0);
    sqlite3_reset(v);
    changes = sqlite3_total_changes64(db->conn);
    if (rc != SQLITE_ROW) {
        rc = notes_err(db->conn, "data_version", error);
    } else if (db->tags != NULL && version == db->version
               && changes == db->changes)
    {
        rc = NOTES_OK;
    } else {
        json_decref(db->tags);
        db->tags = NULL;
        rc = notes_collect(db, db->q[Q_TAGS], 0, &db->tags, error);
        db->version = version;
        db->changes = changes;
    }
    /* a copy: the caller's threads never share the cache's refcounts */
    if (rc == NOTES_OK) {
        *out = json_deep_copy(db->tags);
        if (*out == NULL) {
            rc = notes_err(NULL, "tags", error);
        }
    }
    pthread_mutex_unlock(&db->lock);
    return rc;
}


int
notes_find(notes_db_t *db, json_int_t id, json_t **out, char *error)
{
    json_t  *all;
    int      rc;

    pthread_mutex_lock(&db->lock);
    sqlite3_bind_int64(db->q[Q_FIND], 1, id);
    rc = notes_collect(db, db->q[Q_FIND], 1, &all, error);
    pthread_mutex_unlock(&db->lock);
    if (rc != NOTES_OK) {
        return rc;
    }
    *out = json_incref(json_array_get(all, 0));
    json_decref(all);
    return *out ? NOTES_OK : NOTES_NOT_FOUND;
}


int
notes_create(notes_db_t *db, const json_t *fields, json_int_t *id,
    char *error)
{
    int  rc;

    pthread_mutex_lock(&db->lock);
    rc = notes_bind_fields(db->q[Q_CREATE], fields, error);
    if (rc == NOTES_OK) {
        rc = notes_step_done(db->q[Q_CREATE], "create", error);
        *id = sqlite3_last_insert_rowid(db->conn);
    }
    pthread_mutex_unlock(&db->lock);
    return rc;
}


/* Runs a bound UPDATE or DELETE: NOTES_NOT_FOUND when no row changed. */
static int
notes_change(notes_db_t *db, sqlite3_stmt *st, const char *what,
    char *error)
{
    int  rc;

    rc = notes_step_done(st, what, error);
    if (rc == NOTES_OK && sqlite3_changes(db->conn) == 0) {
        rc = NOTES_NOT_FOUND;
    }
    return rc;
}


int
notes_update(notes_db_t *db, json_int_t id, const json_t *fields,
    char *error)
{
    int  rc;

    pthread_mutex_lock(&db->lock);
    rc = notes_bind_fields(db->q[Q_UPDATE], fields, error);
    if (rc == NOTES_OK) {
        sqlite3_bind_int64(db->q[Q_UPDATE], 4, id);
        rc = notes_change(db, db->q[Q_UPDATE], "update", error);
    }
    pthread_mutex_unlock(&db->lock);
    return rc;
}


int
notes_delete(notes_db_t *db, json_int_t id, char *error)
{
    int  rc;

    pthread_mutex_lock(&db->lock);
    sqlite3_bind_int64(db->q[Q_DELETE], 1, id);
    rc = notes_change(db, db->q[Q_DELETE], "delete", error);
    pthread_mutex_unlock(&db->lock);
    return rc;
}
