/* main.c — the servitor command: its table of subcommands (cli layer). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/settings.h"
#include "base/timeutil.h"
#include "cli/cli.h"
#include "core/audit.h"
#include "core/auth.h"
#include "db/migrate.h"
#include "domain/domain.h"
#include "domain/registry/registry.h"
#include "base/banned.h"

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage;
    const char *help;
};

static const struct command commands[] = {
    {"serve", cmd_serve,
     "serve [--listen HOST:PORT] [--db PATH] [--db-read URL] [--files DIR] [--threads N] "
     "[--trust-proxy]",
     "Runs the web server: the UI at /, the REST API at /api/v1. Applies pending\n"
     "migrations first. Defaults: --listen 127.0.0.1:8080 (or SERVITOR_LISTEN),\n"
     "--db data/servitor.db (or SERVITOR_DB). --trust-proxy takes the client address\n"
     "from X-Forwarded-For (only behind a reverse proxy). --db-read names a\n"
     "PostgreSQL streaming replica that serves reports and the audit log. --files\n"
     "is where attached files are kept (default: files/ beside a SQLite database)."},
    {"migrate", cmd_migrate, "migrate [--db PATH]",
     "Applies the pending schema migrations and reports how many ran."},
    {"user", cmd_user,
     "user add --login NAME --role ROLE [--name FULL NAME] --password-stdin [--db PATH]",
     "Adds a user. The password is read from standard input (one line).\n"
     "Roles: admin, manager, technician, storekeeper, sales, auditor."},
    {"backup", cmd_backup, "backup FILE [--db PATH]",
     "Writes a consistent copy of the database to FILE, safe while serving."},
    {"demo", cmd_demo, "demo [--scale N] [--requests M] [--db PATH]",
     "Fills the database with believable demo data: N clients (default 200) with\n"
     "contacts and equipment, M requests of the past year (default N/2), branches,\n"
     "users. Creates the admin account\n"
     "'admin' with password 'admin12345' when there is none."},
    {"copy", cmd_copy, "copy --from PATH_OR_URL --to PATH_OR_URL",
     "Copies all data from one database to another (SQLite ↔ PostgreSQL). The\n"
     "target is migrated and must be empty; afterwards row counts are compared\n"
     "and the audit chain verified. Stop the servers of the source first."},
    {"mail-intake", cmd_mail_intake, "mail-intake [--db PATH] [--files DIR]",
     "Takes one e-mail message (RFC 5322) on standard input: a new request, or a\n"
     "client's reply to the request whose number its subject carries. For a\n"
     "Postfix pipe transport, fetchmail --mda or procmail. Exit status as an MTA\n"
     "reads it: 0 taken (or deliberately ignored: auto-replies, bounces, lists, our\n"
     "own address SERVITOR_MAIL_FROM, a Message-ID taken before), 65 not a message\n"
     "or too large (nothing written; the MTA bounces it), 75 the database or the\n"
     "files are not available (the MTA tries again later). --files as for serve."},
    {"settings", cmd_settings, "settings",
     "Prints every SERVITOR_* environment setting: its value now, its default\n"
     "and what it does (docs/operations.md explains them)."},
    {"audit", cmd_audit, "audit verify|head|rotate-key [--db PATH] [--head ID:HASH]",
     "verify walks the audit log's chain of signed hashes. Exit status 0 when\n"
     "intact; otherwise names the first bad entry and exits with 1. With --head\n"
     "ID:HASH (printed by `audit head` earlier and kept elsewhere) the log must\n"
     "still hold that entry unchanged: a cut-off tail shows. head prints the last\n"
     "entry as ID:HASH. rotate-key adds a new signing key to the key file\n"
     "(SERVITOR_AUDIT_KEY_FILE, else beside a SQLite file, else servitor-audit.key\n"
     "in the working directory); the old keys stay for verifying."},
    {"stock", cmd_stock, "stock verify [--db PATH]",
     "verify recomputes every stock balance (on hand, reserved, in transit, value)\n"
     "from the ledger of movements and the reservations, and checks that none is\n"
     "negative or reserved beyond what is on hand. Exit status 0 when they agree;\n"
     "otherwise each difference is named (part, warehouse, what, kept, ledger) and\n"
     "the exit status is 1."},
    /* hidden: for tests */
    {"test-sql", cmd_test_sql, NULL, "Runs the SQL on standard input (tests only)."},
    {"test-run-job", cmd_test_run_job, NULL,
     "test-run-job NAME [--now YYYY-MM-DDTHH:MM:SSZ] [--db PATH]: runs one job now, as\n"
     "POST /test/jobs/run does (tests only: refused unless SERVITOR_TEST_CLOCK=1)."},
};

static void usage(FILE *out)
{
    fprintf(out, "servitor %s — service-center management\n\nUsage:\n", SERVITOR_VERSION);
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (commands[i].usage)
            fprintf(out, "  servitor %s\n", commands[i].usage);
    fprintf(out, "  servitor --version\n\n"
                 "`servitor COMMAND --help` explains a command.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
        !strcmp(argv[1], "help")) {
        usage(stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("servitor %s\n", SERVITOR_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (strcmp(argv[1], commands[i].name) != 0)
            continue;
        if (cli_flag(argc - 1, argv + 1, "--help") || cli_flag(argc - 1, argv + 1, "-h")) {
            printf("Usage: servitor %s\n\n%s\n",
                   commands[i].usage ? commands[i].usage : commands[i].name, commands[i].help);
            return 0;
        }
        const char *test_now = setting_text(SET_TEST_NOW);
        if (setting_int(SET_TEST_CLOCK) && *test_now) {
            /* tests: this command runs at that time (each process has its clock) */
            int64_t t;
            time_test_enable();
            if (!time_parse(test_now, &t) || !time_test_set(t)) {
                fprintf(stderr, "servitor: SERVITOR_TEST_NOW takes YYYY-MM-DDTHH:MM:SSZ\n");
                return 2;
            }
        }
        if (!auth_init()) {
            fprintf(stderr, "servitor: cannot initialise libsodium\n");
            return 1;
        }
        return commands[i].run(argc - 1, argv + 1);
    }
    fprintf(stderr, "servitor: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return 2;
}

/* ---- shared helpers ------------------------------------------------------ */

const char *cli_opt(int argc, char **argv, const char *name)
{
    size_t n = strlen(name);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], name) && i + 1 < argc)
            return argv[i + 1];
        if (!strncmp(argv[i], name, n) && argv[i][n] == '=')
            return argv[i] + n + 1;
    }
    return NULL;
}

bool cli_flag(int argc, char **argv, const char *name)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], name))
            return true;
    return false;
}

const char *cli_db_url(int argc, char **argv)
{
    const char *db = cli_opt(argc, argv, "--db");
    return db && *db ? db : setting_text(SET_DB);
}

const char *cli_files_dir(int argc, char **argv, const char *db_url, char *buf, size_t n)
{
    const char *files = cli_opt(argc, argv, "--files");
    if (files)
        return files;
    const char *slash = strrchr(db_url, '/');
    bool pg = strncmp(db_url, "postgres", 8) == 0;
    if (!pg && slash)
        snprintf(buf, n, "%.*s/files", (int)(slash - db_url), db_url);
    else
        snprintf(buf, n, "%s", pg ? "data/files" : "files");
    return buf;
}

bool cli_make_audit_key = true;

struct db *cli_open_db(const char *url)
{
    struct err e;
    err_clear(&e);
    struct db *db;
    if (db_open(url, &db, &e) != ERR_OK) {
        fprintf(stderr, "servitor: %s\n", e.message);
        return NULL;
    }
    int applied;
    if (migrate_run(db, domain_search_tables(), &applied, &e) != ERR_OK) {
        fprintf(stderr, "servitor: %s\n", e.message);
        db_close(db);
        return NULL;
    }
    if (applied)
        fprintf(stderr, "servitor: applied %d migration(s) to %s\n", applied, url);
    char key[600];
    struct arena a;
    arena_init(&a, 0);
    struct ctx cx = {.a = &a, .db = db};
    err_clear(&cx.err);
    enum err_code rc =
        audit_keys_open(&cx, audit_key_path(url, key, sizeof(key)), cli_make_audit_key);
    arena_free(&a);
    if (rc != ERR_OK) {
        fprintf(stderr, "servitor: %s\n", cx.err.message);
        db_close(db);
        return NULL;
    }
    return db;
}

bool cli_begin(struct ctx *cx, const char *url, enum ctx_mode mode)
{
    struct db *db = cli_open_db(url); /* migrated before any unit of work */
    if (!db)
        return false;
    db_close(db);
    err_clear(&cx->err);
    if (ctx_setup_single(url, &cx->err) != ERR_OK) {
        fprintf(stderr, "servitor: %s\n", cx->err.message);
        return false;
    }
    if (ctx_begin(cx, mode) != ERR_OK) {
        fprintf(stderr, "servitor: %s\n", cx->err.message);
        ctx_teardown();
        return false;
    }
    return true;
}

enum err_code cli_end(struct ctx *cx, enum err_code rc)
{
    rc = ctx_end(cx, rc);
    ctx_teardown();
    cx->db = NULL;
    return rc;
}
