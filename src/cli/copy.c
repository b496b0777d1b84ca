/* copy.c — `servitor copy`: moves an installation between databases, SQLite
 * to PostgreSQL and back (cli layer).
 *
 * The target is migrated and must be empty. Every table of the source is
 * copied, parents first (the order comes from the foreign keys the schema
 * declares), rows with their ids; then the search index is rebuilt, id generators are
 * moved past the copied ids, and the copy is verified: the same row count in
 * every table and an intact audit chain. */
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "cli/cli.h"
#include "core/audit.h"
#include "core/entity.h"
#include "domain/domain.h"
#include "domain/registry/registry.h"
#include "base/banned.h"

/* Tables the migrations fill with starting data: replaced by the source's.
 * (A table missing here stops the copy with "the target is not empty": the
 * copy test, tests/pg/copy.test.mjs, finds it.) */
static const char *const seeded[] = {
    "audit_head",
    "business_calendars",
    "calendar_days",
    "sla_policies",
    "company",
    "message_templates",
    "counters",
    "service_types",
    "qc_checklists",
    "qc_checklist_items",
    NULL,
};
/* Tables without an id column (keyed otherwise). */
static const char *const without_id[] = {"sessions", "rate_limits", "number_sequences", "counters",
                                         NULL};
/* Tables the target fills by itself (migrations). */
static const char *const skipped[] = {"schema_migrations", NULL};

static bool listed(const char *const *list, const char *name)
{
    for (int i = 0; list[i]; i++)
        if (!strcmp(list[i], name))
            return true;
    return false;
}

/* The source's tables (but the skipped ones), each after the tables its
 * foreign keys refer to; ties in name order. NULL-terminated, in arena a.
 * ERR_CONFLICT when the references go round in a cycle. */
static enum err_code copy_order(struct ctx *cx, struct arena *a, struct db *db, const char ***out)
{
    const char **names;
    enum err_code rc = db_tables(db, a, &names, &cx->err);
    if (rc != ERR_OK)
        return rc;
    int n = 0;
    while (names[n])
        n++;
    const char ***parents = arena_alloc(a, sizeof(*parents) * (size_t)(n + 1));
    bool *done = arena_alloc(a, sizeof(*done) * (size_t)(n + 1));
    const char **order = arena_alloc(a, sizeof(*order) * (size_t)(n + 1));
    int placed = 0, wanted = 0;
    for (int i = 0; i < n; i++) {
        done[i] = listed(skipped, names[i]);
        wanted += !done[i];
        if ((rc = db_table_parents(db, a, names[i], &parents[i], &cx->err)) != ERR_OK)
            return rc;
    }
    while (placed < wanted) {
        int next = -1;
        for (int i = 0; i < n && next < 0; i++) {
            if (done[i])
                continue;
            bool ready = true;
            for (int k = 0; parents[i][k] && ready; k++)
                ready = listed(order, parents[i][k]) || listed(skipped, parents[i][k]);
            if (ready)
                next = i;
        }
        for (int i = 0; i < n && next < 0; i++)
            if (!done[i])
                return ctx_fail(cx, ERR_CONFLICT, "the foreign keys of %s and others form a cycle",
                                names[i]);
        if (next < 0)
            break;
        done[next] = true;
        order[placed++] = names[next];
        order[placed] = NULL;
    }
    order[placed] = NULL;
    *out = order;
    return ERR_OK;
}

static enum err_code count_rows(struct ctx *cx, struct db *db, const char *table, int64_t *n)
{
    char sql[160];
    snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM %s", table);
    return db_get_i64(db, &cx->err, n, NULL, sql, "");
}

static enum err_code copy_table(struct ctx *cx, struct db *from, struct db *to, const char *table,
                                int64_t *copied)
{
    char sql[160];
    snprintf(sql, sizeof(sql), "SELECT * FROM %s", table);
    struct db_stmt *src = db_prepare(from, sql, &cx->err);
    if (!src)
        return cx->err.code;
    struct buf ins = BUF_INIT;
    struct db_stmt *dst = NULL;
    int cols[128], ncols = 0, step;
    enum err_code rc = ERR_OK;
    *copied = 0;
    while (rc == ERR_OK && (step = db_step(src)) == DB_ROW) {
        if (!dst) {
            buf_printf(&ins, "INSERT INTO %s (", table);
            for (int i = 0; i < db_col_count(src) && ncols < 128; i++) {
                const char *name = db_col_name(src, i);
                if (!strcmp(name, "search_doc"))
                    continue; /* PostgreSQL's search vector: rebuilt below */
                buf_printf(&ins, "%s%s", ncols ? ", " : "", name);
                cols[ncols++] = i;
            }
            buf_adds(&ins, ") VALUES (");
            for (int i = 0; i < ncols; i++)
                buf_printf(&ins, "%s$%d", i ? ", " : "", i + 1);
            buf_addch(&ins, ')');
        }
        dst = db_prepare(to, ins.p, &cx->err);
        if (!dst) {
            rc = cx->err.code;
            break;
        }
        for (int i = 0; i < ncols; i++)
            db_bind_text(dst, i + 1, db_col_text(src, cols[i]));
        int r = db_step(dst);
        db_done(dst);
        if (r == DB_FAIL) {
            rc = cx->err.code;
            break;
        }
        (*copied)++;
    }
    if (rc == ERR_OK && step == DB_FAIL)
        rc = cx->err.code;
    db_done(src);
    buf_release(&ins);
    return rc;
}

/* Rebuilds the search index of the copied records, a page at a time. */
static enum err_code reindex(struct ctx *cx, struct db *to)
{
    struct arena keep; /* the cursor outlives each page's arena */
    arena_init(&keep, 0);
    for (int i = 0; domain_entities[i]; i++) {
        const struct entity *ent = domain_entities[i];
        if (!entity_searchable(ent))
            continue;
        struct listq lq;
        if (listq_parse(cx, ent, NULL, 0, NULL, &lq) != ERR_OK) {
            arena_free(&keep);
            return cx->err.code;
        }
        lq.limit = LISTQ_MAX_LIMIT;
        for (;;) {
            arena_reset(cx->a);
            struct record **items;
            int n;
            const char *next;
            enum err_code rc = entity_list(cx, ent, &lq, &items, &n, &next);
            for (int k = 0; rc == ERR_OK && k < n; k++)
                rc = db_search_put(to, ent->table, items[k]->id, entity_search_text(cx, items[k]),
                                   &cx->err);
            if (rc != ERR_OK) {
                arena_free(&keep);
                return rc;
            }
            if (!next)
                break;
            arena_reset(&keep);
            lq.cursor = arena_strdup(&keep, next);
        }
    }
    arena_free(&keep);
    return ERR_OK;
}

int cmd_copy(int argc, char **argv)
{
    const char *from_url = cli_opt(argc, argv, "--from"), *to_url = cli_opt(argc, argv, "--to");
    if (!from_url || !to_url) {
        fprintf(stderr, "servitor: usage: servitor copy --from PATH_OR_URL --to PATH_OR_URL\n");
        return 2;
    }
    struct db *from = cli_open_db(from_url);
    struct db *to = from ? cli_open_db(to_url) : NULL;
    if (!from || !to) {
        db_close(from);
        return 1;
    }
    struct arena a;
    arena_init(&a, 1 << 16);
    struct ctx cx = {.a = &a, .db = to};
    err_clear(&cx.err);
    int status = 1;
    const char **tables = NULL;
    int64_t n, copied = 0;
    struct arena ta; /* the order outlives the reindex's resets of a */
    arena_init(&ta, 0);
    /* the log is copied as it was signed: the source's keys verify it, and
     * go with it to the target's key file */
    char from_key[600], to_key[600];
    audit_key_path(from_url, from_key, sizeof(from_key));
    audit_key_path(to_url, to_key, sizeof(to_key));
    {
        struct ctx sx = {.a = &a, .db = from};
        err_clear(&sx.err);
        if (audit_keys_open(&sx, from_key, false) != ERR_OK) {
            fprintf(stderr, "servitor: %s\n", sx.err.message);
            goto out;
        }
    }

    /* the source's tables, parents first; the target must be empty */
    if (copy_order(&cx, &ta, from, &tables) != ERR_OK)
        goto fail;
    for (int i = 0; tables[i]; i++) {
        if (count_rows(&cx, to, tables[i], &n) != ERR_OK)
            goto fail;
        if (n > 0 && !listed(seeded, tables[i])) {
            fprintf(stderr,
                    "servitor: the target is not empty (%s has %lld rows); nothing copied\n",
                    tables[i], (long long)n);
            goto out;
        }
    }
    if (db_begin_read(from, &cx.err) != ERR_OK || db_begin_write(to, &cx.err) != ERR_OK)
        goto fail;
    /* what the migrations put there is replaced by the source's rows: emptied
     * children first (a seeded checklist refers to a seeded service type) */
    int ntables = 0;
    while (tables[ntables])
        ntables++;
    for (int i = ntables - 1; i >= 0; i--) {
        if (!listed(seeded, tables[i]))
            continue;
        char del[128];
        snprintf(del, sizeof(del), "DELETE FROM %s", tables[i]);
        if (db_run(to, &cx.err, del, "") != ERR_OK)
            goto fail;
    }
    for (int i = 0; tables[i]; i++) {
        if (copy_table(&cx, from, to, tables[i], &copied) != ERR_OK)
            goto fail;
        if (!listed(without_id, tables[i]) && db_ids_resync(to, tables[i], &cx.err) != ERR_OK)
            goto fail;
        printf("servitor: %-18s %lld rows\n", tables[i], (long long)copied);
    }
    if (reindex(&cx, to) != ERR_OK)
        goto fail;
    /* verify inside the same transaction, then commit */
    for (int i = 0; tables[i]; i++) {
        int64_t m;
        struct ctx sx = {.a = &a, .db = from};
        err_clear(&sx.err);
        if (count_rows(&sx, from, tables[i], &n) != ERR_OK ||
            count_rows(&cx, to, tables[i], &m) != ERR_OK)
            goto fail;
        if (n != m) {
            fprintf(stderr, "servitor: %s: %lld rows in the source, %lld in the target\n",
                    tables[i], (long long)n, (long long)m);
            goto out;
        }
    }
    int64_t checked, bad;
    if (audit_verify(&cx, &checked, &bad) != ERR_OK) {
        fprintf(stderr, "servitor: the copied audit log does not verify (entry %lld): %s\n",
                (long long)bad, cx.err.message);
        goto out;
    }
    if (strcmp(from_key, to_key) != 0 && audit_keys_save(&cx, to_key) != ERR_OK)
        goto fail;
    if (db_commit(to, &cx.err) != ERR_OK)
        goto fail;
    printf("servitor: copied %s → %s; row counts match, audit chain intact (%lld entries)\n",
           from_url, to_url, (long long)checked);
    status = 0;
    goto out;
fail:
    fprintf(stderr, "servitor: copy failed: %s\n", cx.err.message);
out:
    db_rollback(to);
    db_rollback(from);
    arena_free(&ta);
    arena_free(&a);
    db_close(from);
    db_close(to);
    return status;
}
