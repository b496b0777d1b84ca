/* body.c — request bodies in memory under a budget, or spooled to disk
 * (http layer); see body.h. */
#include "http/body.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/settings.h"
#include "base/util.h"
#include "base/banned.h"

static int64_t held;   /* atomic: bytes reserved by bodies in memory */
static int64_t budget; /* set once by body_init */
static char spool[4096] = "/tmp";

void body_init(const char *spool_dir)
{
    budget = setting_int(SET_BODY_MEMORY) * 1024 * 1024;
    if (spool_dir && *spool_dir) {
        snprintf(spool, sizeof(spool), "%s", spool_dir);
        for (char *p = spool + 1; *p; p++) { /* mkdir -p */
            if (*p != '/')
                continue;
            *p = 0;
            mkdir(spool, 0755);
            *p = '/';
        }
        mkdir(spool, 0700);
    }
}

void body_memory(int64_t *h, int64_t *b)
{
    *h = __atomic_load_n(&held, __ATOMIC_RELAXED);
    *b = budget;
}

static bool reserve(struct body *b, size_t n)
{
    int64_t now = __atomic_add_fetch(&held, (int64_t)n, __ATOMIC_RELAXED);
    if (now > budget) {
        __atomic_sub_fetch(&held, (int64_t)n, __ATOMIC_RELAXED);
        return false;
    }
    b->reserved += n;
    return true;
}

enum err_code body_begin(struct body *b, size_t limit, bool to_file, int64_t announced,
                         struct err *e)
{
    *b = (struct body){.fd = -1, .limit = limit};
    buf_init(&b->mem, limit);
    if (to_file) {
        char path[4200];
        snprintf(path, sizeof(path), "%s/.body-XXXXXX", spool);
        b->fd = mkostemp(path, O_CLOEXEC);
        if (b->fd < 0)
            return err_set(e, ERR_UNAVAILABLE, "cannot take the file now: %s", strerror(errno));
        unlink(path); /* gone with the descriptor, whatever happens */
        return ERR_OK;
    }
    if (announced > 0 && !reserve(b, (size_t)announced))
        return err_set(e, ERR_UNAVAILABLE, "the server is busy: try again in a moment");
    return ERR_OK;
}

static bool write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

enum body_add body_add(struct body *b, const char *data, size_t n)
{
    if (n > b->limit - b->len)
        return BODY_TOO_BIG;
    if (b->fd >= 0) {
        if (!write_all(b->fd, data, n))
            return BODY_FAILED;
    } else {
        size_t need = b->len + n + 1; /* and its terminating NUL */
        if (need > b->reserved && !reserve(b, need - b->reserved))
            return BODY_BUSY;
        if (!buf_add(&b->mem, data, n))
            return BODY_TOO_BIG;
    }
    b->len += n;
    return BODY_ADDED;
}

enum err_code body_finish(struct body *b, const char **data, size_t *len, struct err *e)
{
    *len = b->len;
    if (b->fd < 0) {
        *data = b->mem.p;
        return ERR_OK;
    }
    *data = NULL;
    if (b->len == 0)
        return ERR_OK;
    /* one NUL past the end, as for bodies in memory */
    if (!write_all(b->fd, "", 1))
        return err_set(e, ERR_UNAVAILABLE, "cannot take the file now: %s", strerror(errno));
    void *m = mmap(NULL, b->len + 1, PROT_READ, MAP_PRIVATE, b->fd, 0);
    if (m == MAP_FAILED)
        return err_set(e, ERR_UNAVAILABLE, "cannot read the file back: %s", strerror(errno));
    b->map = m;
    b->map_len = b->len + 1;
    *data = m;
    return ERR_OK;
}

void body_release(struct body *b)
{
    if (b->map)
        munmap(b->map, b->map_len);
    if (b->fd >= 0)
        close(b->fd);
    buf_release(&b->mem);
    if (b->reserved)
        __atomic_sub_fetch(&held, (int64_t)b->reserved, __ATOMIC_RELAXED);
    *b = (struct body){.fd = -1};
}
