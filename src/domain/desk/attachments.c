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
    /* the same bytes on the same request are one attachment, also when two
     * uploads race (PostgreSQL: the second waits for the first, then does
     * nothing) */
    rc = db_get_i64(cx->db, &cx->err, &id, &found,
                    "INSERT INTO attachments (version, created_at, updated_at, request_id,\n"
                    "    user_id, file_name, content_type, size, sha256)\n"
                    "VALUES (1, $1, $1, $2, $3, $4, $5, $6, $7)\n"
                    "ON CONFLICT (request_id, sha256) DO NOTHING\n"
                    "RETURNING id",
                    "tiIttit", now, request_id, cx->user ? cx->user->id : (int64_t)0, file_name,
                    type, (int64_t)len, sha);
    if (rc == ERR_OK && !found) {
        rc = db_get_i64(cx->db, &cx->err, &id, &found,
                        "SELECT id FROM attachments WHERE request_id = $1 AND sha256 = $2", "it",
                        request_id, sha);
    } else if (rc == ERR_OK) {
        rc = request_event_add(cx, request_id, "attachment", false, file_name, NULL, NULL, NULL);
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
    int64_t one;
    bool found;
    enum err_code ec = db_get_i64(cx->db, &cx->err, &one, &found,
                                  "SELECT 1 FROM requests WHERE id = $1", "i", request_id);
    if (ec != ERR_OK)
        return ec;
    if (!found)
        return ctx_fail(cx, ERR_NOTFOUND, "requests %lld not found", (long long)request_id);
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

enum err_code attachment_read(struct ctx *cx, int64_t id, struct attachment *out, char **data)
{
    *data = NULL;
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
    FILE *f = fopen(path_of(cx, out->sha256), "rb");
    if (!f)
        return ctx_fail(cx, ERR_INTERNAL, "the file of attachment %lld is missing", (long long)id);
    char *buf = xmalloc((size_t)out->size + 1);
    size_t got = fread(buf, 1, (size_t)out->size, f);
    fclose(f);
    if (got != (size_t)out->size) {
        free(buf);
        return ctx_fail(cx, ERR_INTERNAL, "the file of attachment %lld is damaged", (long long)id);
    }
    *data = buf;
    return ERR_OK;
}
