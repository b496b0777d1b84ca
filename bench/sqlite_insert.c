/* sqlite_insert.c — the baseline for creates: single-row insert transactions
 * into a request-like table on SQLite with the server's settings (WAL,
 * synchronous=FULL). Usage: sqlite_insert FILE [N]. Prints inserts/s. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: sqlite_insert FILE [N]\n");
        return 2;
    }
    int n = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 2000;
    sqlite3 *db;
    if (sqlite3_open(argv[1], &db) != SQLITE_OK)
        return 1;
    sqlite3_exec(db,
                 "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                 "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, number TEXT, subject TEXT,"
                 " status TEXT, created_at TEXT)",
                 NULL, NULL, NULL);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db,
                       "INSERT INTO t (number, subject, status, created_at) VALUES (?, ?, ?, ?)",
                       -1, &st, NULL);
    double t0 = now();
    for (int i = 0; i < n; i++) {
        char num[32];
        snprintf(num, sizeof(num), "О-2026-%06d", i);
        sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
        sqlite3_bind_text(st, 1, num, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, "Не печатает принтер", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, "new", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, "2026-11-27T10:00:00Z", -1, SQLITE_STATIC);
        sqlite3_step(st);
        sqlite3_reset(st);
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    }
    double dt = now() - t0;
    printf("%.0f\n", n / dt);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return 0;
}
