/* attachments.c — files attached to requests (domain layer). */
#include "attachments.h"

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
#include "domain/desk/desk.h"
#include "base/banned.h"

static char files_dir[512] = "data/files";

void attachments_set_dir(const char *dir) { strlcpy_(files_dir, dir, sizeof(files_dir)); }

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

static bool mkdirs(const char *path)
{
    char tmp[600];
    strlcpy_(tmp, path, sizeof(tmp));
    for (char *p = tmp + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            if (mkdir(tmp, 0750) != 0 && errno != EEXIST)
                return false;
            *p = '/';
        }
    return mkdir(tmp, 0750) == 0 || errno == EEXIST;
}

/* Writes the bytes once (a temporary file renamed into place, so a reader
 * never sees half a file). */
static enum err_code store(struct ctx *cx, const char *sha, const char *data, size_t len)
{
    const char *path = path_of(cx, sha);
    struct stat st;
    if (stat(path, &st) == 0 && (size_t)st.st_size == len)
        return ERR_OK;
    const char *dir = arena_printf(cx->a, "%s/%.2s", files_dir, sha);
    if (!mkdirs(dir))
        return ctx_fail(cx, ERR_INTERNAL, "cannot make %s: %s", dir, strerror(errno));
    const char *tmp = arena_printf(cx->a, "%s.%d.tmp", path, (int)getpid());
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return ctx_fail(cx, ERR_INTERNAL, "cannot write %s: %s", tmp, strerror(errno));
    bool ok = fwrite(data, 1, len, f) == len;
    ok = fflush(f) == 0 && fsync(fileno(f)) == 0 && ok;
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        unlink(tmp);
        return ctx_fail(cx, ERR_INTERNAL, "cannot store the file: %s", strerror(errno));
    }
    return ERR_OK;
}

static void row(struct ctx *cx, struct db_stmt *st, struct attachment *a)
{
    a->id = db_col_i64(st, 0);
    a->request_id = db_col_i64(st, 1);
    a->file_name = arena_strdup(cx->a, db_col_text(st, 2));
    a->content_type = arena_strdup(cx->a, db_col_text(st, 3));
    a->size = db_col_i64(st, 4);
    a->sha256 = arena_strdup(cx->a, db_col_text(st, 5));
    a->created_at = arena_strdup(cx->a, db_col_text(st, 6));
    a->user_name = arena_strdup(cx->a, db_col_text(st, 7));
}

#define ATTACH_COLS                                                                                \
    "a.id, a.request_id, a.file_name, a.content_type, a.size, a.sha256, a.created_at, u.name\n"    \
    "FROM attachments a\n"                                                                         \
    "LEFT JOIN users u ON u.id = a.user_id\n"

enum err_code attachment_add(struct ctx *cx, int64_t request_id, const char *file_name,
                             const char *data, size_t len, struct attachment *out)
{
    if (len > ATTACH_MAX)
        return ctx_fail(cx, ERR_TOOBIG, "files up to %d MiB", ATTACH_MAX / 1024 / 1024);
    if (!file_name || !plain_name(file_name))
        err_field(&cx->err, "name", "invalid");
    const char *type = len ? sniff(data, len) : NULL;
    if (!len)
        err_field(&cx->err, "file", "required");
    else if (!type)
        err_field(&cx->err, "file", "invalid_type");
    if (cx->err.nfields)
        return ctx_fail(cx, ERR_INVALID, "the file is not accepted");
    int64_t one;
    bool found;
    enum err_code rc = db_get_i64(cx->db, &cx->err, &one, &found,
                                  "SELECT 1 FROM requests WHERE id = $1", "i", request_id);
    if (rc != ERR_OK)
        return rc;
    if (!found)
        return ctx_fail(cx, ERR_NOTFOUND, "requests %lld not found", (long long)request_id);
    unsigned char digest[crypto_hash_sha256_BYTES];
    char sha[65];
    crypto_hash_sha256(digest, (const unsigned char *)data, len);
    sodium_bin2hex(sha, sizeof(sha), digest, sizeof(digest));
    /* the bytes first, outside the transaction: an orphan file is harmless,
     * a row without its file is not */
    if ((rc = store(cx, sha, data, len)) != ERR_OK)
        return rc;
    char now[ISO_TIME_LEN];
    time_now_iso(now);
    bool own; /* e-mail intake adds files inside its own transaction */
    if ((rc = db_begin_own(cx->db, &cx->err, &own)) != ERR_OK)
        return rc;
    int64_t id = 0;
    rc = db_get_i64(cx->db, &cx->err, &id, &found,
                    "SELECT id FROM attachments WHERE request_id = $1 AND sha256 = $2", "it",
                    request_id, sha);
    if (rc == ERR_OK && !found) {
        rc = db_get_i64(cx->db, &cx->err, &id, &found,
                        "INSERT INTO attachments (version, created_at, updated_at, request_id,\n"
                        "    user_id, file_name, content_type, size, sha256)\n"
                        "VALUES (1, $1, $1, $2, $3, $4, $5, $6, $7)\n"
                        "RETURNING id",
                        "tiIttit", now, request_id, cx->user ? cx->user->id : (int64_t)0, file_name,
                        type, (int64_t)len, sha);
        if (rc == ERR_OK)
            rc =
                request_event_add(cx, request_id, "attachment", false, file_name, NULL, NULL, NULL);
        if (rc == ERR_OK)
            rc = audit_append(
                cx, "attach", "requests", request_id, NULL,
                arena_printf(cx->a, "{\"attachment\":%lld,\"sha256\":\"%s\"}", (long long)id, sha));
    }
    if ((rc = db_end_own(cx->db, &cx->err, own, rc)) != ERR_OK)
        return rc;
    struct db_stmt *st = db_q(cx->db, &cx->err, "SELECT " ATTACH_COLS "WHERE a.id = $1", "i", id);
    if (!st)
        return cx->err.code;
    if (db_step(st) == DB_ROW)
        row(cx, st, out);
    db_done(st);
    return ERR_OK;
}

enum err_code attachment_list(struct ctx *cx, int64_t request_id, struct attachment **out, int *n)
{
    struct db_stmt *st = db_q(
        cx->db, &cx->err, "SELECT " ATTACH_COLS "WHERE a.request_id = $1 ORDER BY a.id LIMIT 500",
        "i", request_id);
    if (!st)
        return cx->err.code;
    int cap = 500, count = 0, rc;
    struct attachment *a = arena_alloc(cx->a, sizeof(*a) * (size_t)cap);
    while ((rc = db_step(st)) == DB_ROW && count < cap)
        row(cx, st, &a[count++]);
    db_done(st);
    if (rc == DB_FAIL)
        return cx->err.code;
    *out = a;
    *n = count;
    return ERR_OK;
}

enum err_code attachment_open(struct ctx *cx, int64_t id, struct attachment *out, int *fd)
{
    *fd = -1;
    struct db_stmt *st = db_q(cx->db, &cx->err, "SELECT " ATTACH_COLS "WHERE a.id = $1", "i", id);
    if (!st)
        return cx->err.code;
    int rc = db_step(st);
    if (rc == DB_ROW)
        row(cx, st, out);
    db_done(st);
    if (rc == DB_FAIL)
        return cx->err.code;
    if (rc != DB_ROW)
        return ctx_fail(cx, ERR_NOTFOUND, "no such attachment");
    int f = open(path_of(cx, out->sha256), O_RDONLY | O_CLOEXEC);
    if (f < 0)
        return ctx_fail(cx, ERR_INTERNAL, "the file of attachment %lld is missing", (long long)id);
    struct stat sb;
    if (fstat(f, &sb) != 0 || sb.st_size != out->size) {
        close(f);
        return ctx_fail(cx, ERR_INTERNAL, "the file of attachment %lld is damaged", (long long)id);
    }
    *fd = f;
    return ERR_OK;
}
