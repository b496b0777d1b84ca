/* admin.c — `servitor migrate`, `user add`, `backup` and `audit verify`
 * (cli layer): the operator's commands. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/settings.h"
#include "base/timeutil.h"
#include "base/util.h"
#include "cli/cli.h"
#include "core/audit.h"
#include "core/jobs.h"
#include "core/record.h"
#include "db/migrate.h"
#include "domain/domain.h"
#include "domain/registry/registry.h"
#include "base/banned.h"

/* --to N (not in the help: for tests of a migration) stops after migration
 * N, to fill the schema as it was before the next one. */
int cmd_migrate(int argc, char **argv)
{
    const char *to = cli_opt(argc, argv, "--to");
    int64_t last;
    if (to && (!parse_i64(to, strlen(to), &last) || last < 1)) {
        fprintf(stderr, "servitor: --to takes a migration number\n");
        return 2;
    }
    if (to) {
        struct err e;
        err_clear(&e);
        struct db *db;
        int applied;
        if (db_open(cli_db_url(argc, argv), &db, &e) != ERR_OK) {
            fprintf(stderr, "servitor: %s\n", e.message);
            return 1;
        }
        int status = 0;
        if (migrate_run_to(db, NULL, last, &applied, &e) != ERR_OK) {
            fprintf(stderr, "servitor: %s\n", e.message);
            status = 1;
        } else {
            printf("servitor: applied %d migration(s), up to %lld\n", applied, (long long)last);
        }
        db_close(db);
        return status;
    }
    struct db *db = cli_open_db(cli_db_url(argc, argv));
    if (!db)
        return 1;
    printf("servitor: the database is up to date\n");
    db_close(db);
    return 0;
}

/* `servitor test-sql [--db PATH]` (not in the help): runs the SQL on standard
 * input as it is, without migrating — tests build old schemas' rows with it. */
int cmd_test_sql(int argc, char **argv)
{
    struct buf b = BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
        buf_add(&b, chunk, n);
    buf_addch(&b, 0);
    struct err e;
    err_clear(&e);
    struct db *db;
    int status = 0;
    if (db_open(cli_db_url(argc, argv), &db, &e) != ERR_OK) {
        fprintf(stderr, "servitor: %s\n", e.message);
        buf_release(&b);
        return 1;
    }
    if (db_exec(db, b.p, &e) != ERR_OK) {
        fprintf(stderr, "servitor: %s\n", e.message);
        status = 1;
    }
    db_close(db);
    buf_release(&b);
    return status;
}

/* `servitor test-run-job NAME [--now TIME]` (not in the help): runs one job
 * of the jobs thread now, in one unit of work, at the time given (the test
 * clock); refused unless SERVITOR_TEST_CLOCK=1, like the /test routes. */
int cmd_test_run_job(int argc, char **argv)
{
    if (!setting_int(SET_TEST_CLOCK)) {
        fprintf(stderr, "servitor: test-run-job is for tests: set SERVITOR_TEST_CLOCK=1\n");
        return 2;
    }
    if (argc < 2 || argv[1][0] == '-') {
        fprintf(stderr, "servitor: usage: servitor test-run-job NAME [--now TIME] [--db PATH]\n");
        return 2;
    }
    time_test_enable();
    const char *now = cli_opt(argc, argv, "--now");
    int64_t t;
    if (now && (!time_parse(now, &t) || !time_test_set(t))) {
        fprintf(stderr, "servitor: --now takes a time: YYYY-MM-DDTHH:MM:SSZ\n");
        return 2;
    }
    struct arena a;
    arena_init(&a, 0);
    struct ctx cx = {.a = &a};
    if (!cli_begin(&cx, cli_db_url(argc, argv), CTX_WRITE)) {
        arena_free(&a);
        return 1;
    }
    int status = 0;
    if (cli_end(&cx, jobs_run_now(&cx, domain_jobs, argv[1])) != ERR_OK) {
        fprintf(stderr, "servitor: %s\n", cx.err.message);
        status = cx.err.code == ERR_NOTFOUND ? 2 : 1;
    } else {
        printf("servitor: ran %s\n", argv[1]);
    }
    arena_free(&a);
    return status;
}

int cmd_user(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "add") != 0) {
        fprintf(stderr,
                "servitor: usage: servitor user add --login NAME --role ROLE --password-stdin\n");
        return 2;
    }
    const char *login = cli_opt(argc, argv, "--login");
    const char *role = cli_opt(argc, argv, "--role");
    const char *name = cli_opt(argc, argv, "--name");
    if (!login || !role) {
        fprintf(stderr, "servitor: --login and --role are required\n");
        return 2;
    }
    if (!cli_flag(argc, argv, "--password-stdin")) {
        fprintf(stderr, "servitor: give the password on standard input with --password-stdin\n");
        return 2;
    }
    char password[256];
    if (!fgets(password, sizeof(password), stdin)) {
        fprintf(stderr, "servitor: no password on standard input\n");
        return 2;
    }
    password[strcspn(password, "\r\n")] = 0;
    struct arena a;
    arena_init(&a, 0);
    struct ctx cx = {.a = &a};
    if (!cli_begin(&cx, cli_db_url(argc, argv), CTX_WRITE)) {
        arena_free(&a);
        return 1;
    }
    struct record *in = record_new(&cx, &entity_users), *out = NULL;
    struct value *v;
    (v = rec_set(in, USER_LOGIN))->set = true, v->s = login;
    (v = rec_set(in, USER_NAME))->set = true, v->s = name ? name : login;
    (v = rec_set(in, USER_ROLE))->set = true, v->s = role;
    (v = rec_set(in, USER_PASSWORD))->set = true, v->s = password;
    enum err_code rc = cli_end(&cx, entity_create(&cx, &entity_users, in, &out));
    int status = 0;
    if (rc != ERR_OK) {
        fprintf(stderr, "servitor: cannot add the user: %s", cx.err.message);
        for (int i = 0; i < cx.err.nfields; i++)
            fprintf(stderr, "%s %s: %s", i ? "," : ":", cx.err.fields[i].name,
                    cx.err.fields[i].code);
        fprintf(stderr, "\n");
        status = 1;
    } else {
        printf("servitor: added user %s (%s), id %lld\n", login, role, (long long)out->id);
    }
    arena_free(&a);
    return status;
}

int cmd_backup(int argc, char **argv)
{
    if (argc < 2 || argv[1][0] == '-') {
        fprintf(stderr, "servitor: usage: servitor backup FILE [--db PATH]\n");
        return 2;
    }
    FILE *exists = fopen(argv[1], "r");
    if (exists) {
        fclose(exists);
        fprintf(stderr, "servitor: %s exists already; choose a new file\n", argv[1]);
        return 1;
    }
    struct arena a;
    arena_init(&a, 0);
    struct ctx cx = {.a = &a};
    const char *url = cli_db_url(argc, argv);
    if (!cli_begin(&cx, url, CTX_READ)) {
        arena_free(&a);
        return 1;
    }
    /* SQLite copies in one step, under the snapshot the unit reads in */
    enum err_code rc = cli_end(&cx, db_backup(cx.db, argv[1], &cx.err));
    if (rc != ERR_OK) {
        fprintf(stderr, "servitor: %s\n", cx.err.message);
        arena_free(&a);
        return 1;
    }
    printf("servitor: backed up to %s\n", argv[1]);
    /* the audit keys go beside the copy (as FILE.audit-key), so that it can
     * be verified — unless one key file is set for every database */
    char from_key[600], to_key[600];
    audit_key_path(url, from_key, sizeof(from_key));
    audit_key_path(argv[1], to_key, sizeof(to_key));
    int status = 0;
    if (strcmp(from_key, to_key) != 0) {
        if (audit_keys_save(&cx, to_key) != ERR_OK) {
            fprintf(stderr, "servitor: %s\n", cx.err.message);
            status = 1;
        } else {
            printf("servitor: its audit keys in %s: keep them as safe as the database's\n", to_key);
        }
    }
    arena_free(&a);
    return status;
}

/* "ID:HASH" as printed by `audit head`. */
static bool parse_head(const char *s, int64_t *id, char hash[AUDIT_HASH_LEN])
{
    const char *colon = s ? strchr(s, ':') : NULL;
    if (!colon || !parse_i64(s, (size_t)(colon - s), id) || *id < 1 ||
        strlen(colon + 1) != AUDIT_HASH_LEN - 1)
        return false;
    for (const char *p = colon + 1; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    memcpy(hash, colon + 1, AUDIT_HASH_LEN);
    return true;
}

int cmd_audit(int argc, char **argv)
{
    const char *sub = argc >= 2 ? argv[1] : "";
    bool verify = !strcmp(sub, "verify"), head = !strcmp(sub, "head");
    bool rotate = !strcmp(sub, "rotate-key");
    if (!verify && !head && !rotate) {
        fprintf(stderr, "servitor: usage: servitor audit verify|head|rotate-key [--db PATH] "
                        "[--head ID:HASH]\n");
        return 2;
    }
    const char *anchor = cli_opt(argc, argv, "--head");
    int64_t anchor_id = 0;
    char anchor_hash[AUDIT_HASH_LEN] = "";
    if (anchor && (!verify || !parse_head(anchor, &anchor_id, anchor_hash))) {
        fprintf(stderr, "servitor: --head takes ID:HASH as `servitor audit head` prints it\n");
        return 2;
    }
    cli_make_audit_key = rotate; /* reading never makes a key */
    struct arena a;
    arena_init(&a, 0);
    struct ctx cx = {.a = &a};
    if (!cli_begin(&cx, cli_db_url(argc, argv), CTX_READ)) { /* one snapshot */
        arena_free(&a);
        return 1;
    }
    int64_t checked = 0, bad = 0;
    int status = 0;
    if (rotate) {
        int id;
        if (cli_end(&cx, audit_keys_rotate(&cx, &id)) != ERR_OK) {
            fprintf(stderr, "servitor: %s\n", cx.err.message);
            status = 1;
        } else {
            printf("servitor: audit key %d added; new entries are signed with it once the "
                   "servers restart\n",
                   id);
        }
    } else if (head) {
        char hash[AUDIT_HASH_LEN];
        if (cli_end(&cx, audit_head(&cx, &checked, hash)) != ERR_OK) {
            fprintf(stderr, "servitor: %s\n", cx.err.message);
            status = 1;
        } else {
            printf("%lld:%s\n", (long long)checked, hash);
        }
    } else if (cli_end(&cx, audit_verify_anchored(&cx, anchor_id, anchor_id ? anchor_hash : NULL,
                                                  &checked, &bad)) != ERR_OK) {
        if (bad)
            fprintf(stderr, "servitor: audit log broken at entry %lld: %s\n", (long long)bad,
                    cx.err.message);
        else
            fprintf(stderr, "servitor: %s\n", cx.err.message);
        status = 1;
    } else {
        printf("servitor: audit log intact: %lld entries verified%s\n", (long long)checked,
               anchor_id ? ", the kept head among them" : "");
    }
    arena_free(&a);
    return status;
}
