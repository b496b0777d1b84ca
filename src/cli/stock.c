/* stock.c — `servitor stock verify` (cli layer): the balances the writes
 * keep, recomputed from the ledger; every difference named, exit 1 when
 * there is one. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/stock/stock.h"
#include "base/banned.h"

static void print_diff(const struct stock_diff *d, void *arg)
{
    (void)arg;
    if (!strcmp(d->what, "negative"))
        fprintf(stderr, "part %lld, warehouse %lld: on hand is negative: %lld\n",
                (long long)d->part_id, (long long)d->warehouse_id, (long long)d->kept);
    else if (!strcmp(d->what, "over_reserved"))
        fprintf(stderr, "part %lld, warehouse %lld: reserved %lld is more than on hand %lld\n",
                (long long)d->part_id, (long long)d->warehouse_id, (long long)d->kept,
                (long long)d->ledger);
    else
        fprintf(stderr, "part %lld, warehouse %lld: %s kept %lld, ledger says %lld\n",
                (long long)d->part_id, (long long)d->warehouse_id, d->what, (long long)d->kept,
                (long long)d->ledger);
}

int cmd_stock(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "verify")) {
        fprintf(stderr, "servitor: usage: servitor stock verify [--db PATH]\n");
        return 2;
    }
    cli_make_audit_key = false; /* reading never makes a key */
    struct db *db = cli_open_db(cli_db_url(argc, argv));
    if (!db)
        return 1;
    struct arena a;
    arena_init(&a, 0);
    struct ctx cx = {.a = &a, .db = db};
    err_clear(&cx.err);
    int64_t balances = 0, diffs = 0;
    int status = 0;
    /* one snapshot: the ledger and the balances as of one moment */
    if (db_begin_read(db, &cx.err) != ERR_OK ||
        stock_verify(&cx, print_diff, NULL, &balances, &diffs) != ERR_OK) {
        fprintf(stderr, "servitor: %s\n", cx.err.message);
        status = 1;
    } else if (diffs) {
        fprintf(stderr,
                "servitor: stock differs from the ledger: %lld difference%s in %lld "
                "balances\n",
                (long long)diffs, diffs == 1 ? "" : "s", (long long)balances);
        status = 1;
    } else {
        printf("servitor: stock agrees with the ledger: %lld balances verified\n",
               (long long)balances);
    }
    db_rollback(db);
    arena_free(&a);
    db_close(db);
    return status;
}
