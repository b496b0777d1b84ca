/* files.c — files attached to the records of any entity that keeps a
 * timeline (core layer): the bytes stored once by content, synced with
 * their directory before the row that points to them commits; the rows;
 * the "file" events that announce them. */
#include "files.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/text.h"
#include "base/timeutil.h"
#include "base/util.h"
#include "core/audit.h"
#include "core/timeline.h"
#include "base/banned.h"

static char files_dir[512] = "data/files";

void files_set_dir(const char *dir) { strlcpy_(files_dir, dir, sizeof(files_dir)); }

/* The type by the bytes: what the file is, whatever its name says. */
static const char *sniff(const char *d, size_t n)
{
    const unsigned char *u = (const unsigned char *)d;
    if (n >= 5 && !memcmp(d, "%PDF-", 5))
        return "application/pdf";
    if (n >= 3 && u[0] == 0xFF && u[1] == 0xD8 && u[2] == 0xFF)
        return "image/jpeg";
    if (n >= 8 && !memcmp(d, "\x89PNG\r\n\x1a\n", 8))
        return "image/png";
    if (utf8_valid(d, n))
        return "text/plain; charset=utf-8";
    return NULL;
}

/* Bidirectional controls (U+061C, U+200E-F, U+202A-E, U+2066-9) make
 * "invoice<RLO>fdp.exe" read as "invoiceexe.pdf": they are taken out of a name. */
static const char *strip_bidi(struct ctx *cx, const char *s)
{
    size_t n = strlen(s);
    char *out = arena_alloc(cx->a, n + 1), *w = out;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        bool bidi = (p[0] == 0xD8 && p[1] == 0x9C) ||
                    (p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0x8E || p[2] == 0x8F)) ||
                    (p[0] == 0xE2 && p[1] == 0x80 && p[2] >= 0xAA && p[2] <= 0xAE) ||
                    (p[0] == 0xE2 && p[1] == 0x81 && p[2] >= 0xA6 && p[2] <= 0xA9);
        if (bidi)
            p += p[0] == 0xD8 ? 2 : 3;
        else
            *w++ = (char)*p++;
    }
    *w = 0;
    return out;
}

static bool plain_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 200 || !utf8_valid(s, n) || !strcmp(s, ".") || !strcmp(s, ".."))
        return false;
    for (const char *p = s; *p; p++)
        if (*p == '/' || *p == '\\' || (unsigned char)*p < 0x20)
            return false;
    return true;
}

static const char *path_of(struct ctx *cx, const char *sha)
{
    return arena_printf(cx->a, "%s/%.2s/%s", files_dir, sha, sha);
}

/* Makes a directory's entries durable (a new file or directory in it, a
 * rename into it): without this a power cut may lose them even though the
 * file's own bytes were synced. */
static bool sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool ok = fsync(fd) == 0;
    close(fd);
    return ok;
}

/* mkdir -p; each directory made is synced into its parent. */
static bool mkdirs(const char *path)
{
    char tmp[600];
    strlcpy_(tmp, path, sizeof(tmp));
    for (char *p = tmp + 1;; p++) {
        if (*p != '/' && *p)
            continue;
        char c = *p;
        *p = 0;
        if (mkdir(tmp, 0750) == 0) {
            char *slash = strrchr(tmp, '/');
            const char *parent = slash == tmp ? "/" : slash ? tmp : ".";
            if (slash && slash != tmp)
                *slash = 0;
            bool ok = sync_dir(parent);
            if (slash && slash != tmp)
                *slash = '/';
            if (!ok)
                return false;
        } else if (errno != EEXIST) {
            return false;
        }
        *p = c;
        if (!c)
            return true;
    }
}

/* Writes the bytes once: to a temporary file of its own (uploads of the same
 * bytes at once must not share one), synced, renamed into place — so a reader
 * never sees half a file — and the directory synced, so the name survives a
 * power cut before the row pointing to it is committed. */
static enum err_code store(struct ctx *cx, const char *sha, const char *data, size_t len)
{
    const char *path = path_of(cx, sha);
    const char *dir = arena_printf(cx->a, "%s/%.2s", files_dir, sha);
    struct stat st;
    if (stat(path, &st) == 0 && (size_t)st.st_size == len) {
        /* there already, maybe renamed a moment ago by another upload of the
         * same bytes: its name is durable once the directory is synced */
        if (!sync_dir(dir))
            return ctx_fail(cx, ERR_INTERNAL, "cannot sync %s: %s", dir, strerror(errno));
        return ERR_OK;
    }
    if (!mkdirs(dir))
        return ctx_fail(cx, ERR_INTERNAL, "cannot make %s: %s", dir, strerror(errno));
    char *tmp = arena_printf(cx->a, "%s.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0)
        return ctx_fail(cx, ERR_INTERNAL, "cannot write %s: %s", tmp, strerror(errno));
    bool ok = fchmod(fd, 0640) == 0;
    for (size_t off = 0; ok && off < len;) {
        ssize_t n = write(fd, data + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        ok = n > 0;
        off += ok ? (size_t)n : 0;
    }
    ok = ok && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return ctx_fail(cx, ERR_INTERNAL, "cannot store the file: %s", strerror(e));
    }
    if (!sync_dir(dir))
        return ctx_fail(cx, ERR_INTERNAL, "cannot sync %s: %s", dir, strerror(errno));
    return ERR_OK;
}

static void row(struct ctx *cx, struct db_stmt *st, struct attachment *a)
{
    a->id = db_col_i64(st, 0);
    a->entity = arena_strdup(cx->a, db_col_text(st, 1));
    a->record_id = db_col_i64(st, 2);
    a->file_name = arena_strdup(cx->a, db_col_text(st, 3));
    a->content_type = arena_strdup(cx->a, db_col_text(st, 4));
    a->size = db_col_i64(st, 5);
    a->sha256 = arena_strdup(cx->a, db_col_text(st, 6));
    a->created_at = arena_strdup(cx->a, db_col_text(st, 7));
    a->user_name = arena_strdup(cx->a, db_col_text(st, 8));
    a->public_file = db_col_i64(st, 9) != 0;
}

#define FILE_COLS                                                                                  \
    "a.id, a.entity, a.record_id, a.file_name, a.content_type, a.size, a.sha256,\n"                \
    "       a.created_at, u.name,\n"                                                               \
    "       (SELECT COUNT(*) FROM events e WHERE e.attachment_id = a.id AND e.public = 1)\n"       \
    "FROM attachments a\n"                                                                         \
    "LEFT JOIN users u ON u.id = a.user_id\n"

/* The record is there (and within the user's branch scope). */
static enum err_code record_there(struct ctx *cx, const struct entity *ent, int64_t id)
{
    if (!ent->timeline)
        return ctx_fail(cx, ERR_NOTFOUND, "%s keep no files", ent->name);
    int64_t one;
    bool found;
    /* the table's name from the descriptor, the id bound */
    const char *sql = arena_printf(cx->a, "SELECT 1 FROM %s WHERE id = $1", ent->table);
    enum err_code rc = db_get_i64(cx->db, &cx->err, &one, &found, sql, "i", id);
    if (rc != ERR_OK)
        return rc;
    if (!found)
        return ctx_fail(cx, ERR_NOTFOUND, "%s %lld not found", ent->name, (long long)id);
    return entity_visible(cx, ent, id);
}

static enum err_code get_row(struct ctx *cx, int64_t id, struct attachment *out)
{
    struct db_stmt *st = db_q(cx->db, &cx->err, "SELECT " FILE_COLS "WHERE a.id = $1", "i", id);
    if (!st)
        return cx->err.code;
    int step = db_step(st);
    if (step == DB_ROW)
        row(cx, st, out);
    db_done(st);
    if (step == DB_FAIL)
        return cx->err.code;
    if (step != DB_ROW)
        return ctx_fail(cx, ERR_NOTFOUND, "attachment %lld not found", (long long)id);
    return ERR_OK;
}

/* The row, its event and the audit entry, or — the same bytes on the same
 * record — the row there already, its public event added when asked. */
static enum err_code add_tx(struct ctx *cx, const struct entity *ent, int64_t record_id,
                            const char *file_name, const char *type, size_t len, const char *sha,
                            bool public_file, int64_t *id)
{
    char now[ISO_TIME_LEN];
    time_now_iso(now);
    bool found;
    /* also when two uploads race (PostgreSQL: the second waits for the
     * first, then does nothing) */
    enum err_code rc =
        db_get_i64(cx->db, &cx->err, id, &found,
                   "INSERT INTO attachments (version, created_at, updated_at, entity, record_id,\n"
                   "    user_id, file_name, content_type, size, sha256)\n"
                   "VALUES (1, $1, $1, $2, $3, $4, $5, $6, $7, $8)\n"
                   "ON CONFLICT (entity, record_id, sha256) DO NOTHING\n"
                   "RETURNING id",
                   "ttiIttit", now, ent->name, record_id, cx->user ? cx->user->id : (int64_t)0,
                   file_name, type, (int64_t)len, sha);
    if (rc != ERR_OK)
        return rc;
    bool fresh = found;
    if (!fresh) {
        rc = db_get_i64(cx->db, &cx->err, id, &found,
                        "SELECT id FROM attachments\n"
                        "WHERE entity = $1 AND record_id = $2 AND sha256 = $3",
                        "tit", ent->name, record_id, sha);
        if (rc != ERR_OK)
            return rc;
        if (!found)
            return ctx_fail(cx, ERR_CONFLICT, "the file was removed meanwhile");
        if (!public_file)
            return ERR_OK;
        int64_t shown = 0;
        rc = db_get_i64(cx->db, &cx->err, &shown, &found,
                        "SELECT COUNT(*) FROM events WHERE attachment_id = $1 AND public = 1", "i",
                        *id);
        if (rc != ERR_OK || shown)
            return rc;
    }
    rc = timeline_add_file(cx, ent, record_id, public_file, *id, file_name, NULL);
    if (rc == ERR_OK)
        rc = audit_append(cx, "attach", ent->name, record_id, NULL,
                          arena_printf(cx->a,
                                       "{\"attachment\":%lld,\"public\":%s,\"sha256\":\"%s\"}",
                                       (long long)*id, public_file ? "true" : "false", sha));
    return rc;
}

enum err_code files_add(struct ctx *cx, const struct entity *ent, int64_t record_id,
                        const char *file_name, const char *data, size_t len, bool public_file,
                        struct attachment *out)
{
    if (len > FILES_MAX)
        return ctx_fail(cx, ERR_TOOBIG, "files up to %d MiB", FILES_MAX / 1024 / 1024);
    if (file_name && utf8_valid(file_name, strlen(file_name)))
        file_name = strip_bidi(cx, file_name);
    if (!file_name || !plain_name(file_name))
        err_field(&cx->err, "name", "invalid");
    const char *type = len ? sniff(data, len) : NULL;
    if (!len)
        err_field(&cx->err, "file", "required");
    else if (!type)
        err_field(&cx->err, "file", "invalid_type");
    if (cx->err.nfields)
        return ctx_fail(cx, ERR_INVALID, "the file is not accepted");
    enum err_code rc = record_there(cx, ent, record_id);
    if (rc != ERR_OK)
        return rc;
    unsigned char digest[crypto_hash_sha256_BYTES];
    char sha[65];
    crypto_hash_sha256(digest, (const unsigned char *)data, len);
    sodium_bin2hex(sha, sizeof(sha), digest, sizeof(digest));
    /* the bytes first, outside the transaction: an orphan file is harmless,
     * a row without its file is not */
    if ((rc = store(cx, sha, data, len)) != ERR_OK)
        return rc;
    bool own; /* e-mail intake adds files inside its own transaction */
    if ((rc = db_begin_own(cx->db, &cx->err, &own)) != ERR_OK)
        return rc;
    int64_t id = 0;
    rc = add_tx(cx, ent, record_id, file_name, type, len, sha, public_file, &id);
    if ((rc = db_end_own(cx->db, &cx->err, own, rc)) != ERR_OK)
        return rc;
    return get_row(cx, id, out);
}

enum err_code files_list(struct ctx *cx, const struct entity *ent, int64_t record_id,
                         struct attachment **out, int *n)
{
    enum err_code rc = record_there(cx, ent, record_id);
    if (rc != ERR_OK)
        return rc;
    struct db_stmt *st =
        db_q(cx->db, &cx->err,
             "SELECT " FILE_COLS "WHERE a.entity = $1 AND a.record_id = $2 ORDER BY a.id LIMIT 500",
             "ti", ent->name, record_id);
    if (!st)
        return cx->err.code;
    int cap = 500, count = 0, step;
    struct attachment *a = arena_alloc(cx->a, sizeof(*a) * (size_t)cap);
    while ((step = db_step(st)) == DB_ROW && count < cap)
        row(cx, st, &a[count++]);
    db_done(st);
    if (step == DB_FAIL)
        return cx->err.code;
    *out = a;
    *n = count;
    return ERR_OK;
}

/* The row's file, open; its size checked. */
static enum err_code open_file(struct ctx *cx, const struct attachment *a, int *fd)
{
    int f = open(path_of(cx, a->sha256), O_RDONLY | O_CLOEXEC);
    if (f < 0)
        return ctx_fail(cx, ERR_INTERNAL, "the file of attachment %lld is missing",
                        (long long)a->id);
    struct stat sb;
    if (fstat(f, &sb) != 0 || sb.st_size != a->size) {
        close(f);
        return ctx_fail(cx, ERR_INTERNAL, "the file of attachment %lld is damaged",
                        (long long)a->id);
    }
    *fd = f;
    return ERR_OK;
}

enum err_code files_open(struct ctx *cx, const struct entity *ent, int64_t record_id, int64_t id,
                         struct attachment *out, int *fd)
{
    *fd = -1;
    enum err_code rc = get_row(cx, id, out);
    if (rc != ERR_OK)
        return rc;
    if (ent && (strcmp(out->entity, ent->name) != 0 || out->record_id != record_id))
        return ctx_fail(cx, ERR_NOTFOUND, "attachment %lld not found", (long long)id);
    return open_file(cx, out, fd);
}

enum err_code files_public_open(struct ctx *cx, const struct entity *ent, const char *number,
                                const char *code, int64_t id, struct attachment *out, int *fd)
{
    *fd = -1;
    struct record *rec;
    struct event *ev;
    int n;
    enum err_code rc = timeline_public(cx, ent, number, code, &rec, &ev, &n);
    if (rc != ERR_OK)
        return rc;
    for (int i = 0; i < n; i++)
        if (ev[i].attachment_id == id)
            return files_open(cx, ent, rec->id, id, out, fd);
    return ctx_fail(cx, ERR_NOTFOUND, "no such file on this page");
}
