/* cli.h — the command-line subcommands (cli layer). One file per command;
 * main.c holds the command table. */
#ifndef SERVITOR_CLI_H
#define SERVITOR_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "core/ctx.h"

/* The value of --name VALUE or --name=VALUE, else NULL. */
const char *cli_opt(int argc, char **argv, const char *name);
bool cli_flag(int argc, char **argv, const char *name);
/* --db, else SERVITOR_DB, else data/servitor.db. */
const char *cli_db_url(int argc, char **argv);
/* Opens the database, applies migrations and loads its audit key ring
 * (made when missing, unless cli_make_audit_key was cleared: commands that
 * only verify); prints the error and returns NULL on failure. Only for what
 * works below a unit of work: schema changes (migrate) and `copy`, which
 * reads one database and writes another. */
struct db *cli_open_db(const char *url);
extern bool cli_make_audit_key;
/* A command's work on the database is one unit of work, as a request's or a
 * job's (core/ctx.h): cli_begin migrates url, makes it the process's
 * database (ctx_setup_single: one unit at a time, no group commit) and begins the unit (ctx_begin
 * with mode) on cx, whose arena the caller set; it prints the error and returns false when the
 * database cannot be reached. cli_end ends the unit (ctx_end: a transaction
 * left open is rolled back, what was committed is durable when it returns)
 * and closes the database; it returns rc or the commit's error (in
 * cx->err). A long command (demo) makes its steps durable with ctx_sync. */
bool cli_begin(struct ctx *cx, const char *url, enum ctx_mode mode);
enum err_code cli_end(struct ctx *cx, enum err_code rc);
/* Where attached files go: --files, else a "files" folder beside a SQLite
 * file, else data/files. Written into buf (size n), which is returned. */
const char *cli_files_dir(int argc, char **argv, const char *db_url, char *buf, size_t n);

int cmd_serve(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_demo(int argc, char **argv);
/* Demo repair orders in several states (demo_workshop.c). */
enum err_code demo_workshop(struct ctx *cx, int64_t *made);
int cmd_audit(int argc, char **argv);
int cmd_copy(int argc, char **argv);
int cmd_mail_intake(int argc, char **argv);
int cmd_test_sql(int argc, char **argv);
int cmd_test_run_job(int argc, char **argv);
int cmd_settings(int argc, char **argv);
int cmd_stock(int argc, char **argv);
/* The warehouse's demo data (demo_stock.c): the catalog, two warehouses and
 * their movements, unless there are warehouses already. */
enum err_code demo_stock(struct ctx *cx);
/* Purchasing's demo data (demo_purchasing.c): three suppliers and their
 * price lists, unless there are suppliers already. */
enum err_code demo_purchasing(struct ctx *cx);
/* Purchase orders of the demo suppliers in their several states
 * (demo_orders.c). */
enum err_code demo_purchase_orders(struct ctx *cx);

#endif
