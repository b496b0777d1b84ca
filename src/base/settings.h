/* settings.h — the settings read from the environment (base layer).
 *
 * Every SERVITOR_* variable the program reads is a line of SETTINGS_LIST:
 * its name, default, bounds and meaning, written once. `servitor settings`
 * prints them with their values; docs/operations.md lists them (a test keeps
 * the two in step). A value that is not a number or out of bounds is
 * reported once on stderr and the default used. */
#ifndef SERVITOR_SETTINGS_H
#define SERVITOR_SETTINGS_H

#include <stdint.h>
#include <stdio.h>

/* X(id, variable, default, min, max, meaning); min > max marks a text setting */
#define SETTINGS_LIST(X)                                                                           \
    X(MAX_CONNECTIONS, "SERVITOR_MAX_CONNECTIONS", "1000", 16, 100000,                             \
      "connections served at once, all addresses together")                                        \
    X(ADDRESS_CONNECTIONS, "SERVITOR_ADDRESS_CONNECTIONS", "128", 1, 100000,                       \
      "connections from one client address (behind a proxy: the proxy's)")                         \
    X(IDLE_TIMEOUT, "SERVITOR_IDLE_TIMEOUT", "30", 1, 3600,                                        \
      "seconds a connection may wait for its next request, or stall")                              \
    X(HEAD_TIMEOUT, "SERVITOR_HEAD_TIMEOUT", "10", 1, 3600,                                        \
      "seconds from a request's first line to the end of its headers")                             \
    X(BODY_MIN_RATE, "SERVITOR_BODY_MIN_RATE", "4096", 0, 1073741824,                              \
      "bytes per second a body must average after its first HEAD_TIMEOUT seconds (0: no minimum)") \
    X(BODY_MEMORY, "SERVITOR_BODY_MEMORY", "128", 2, 65536,                                        \
      "MiB that JSON bodies being received may hold together; over it: 503")                       \
    X(DB, "SERVITOR_DB", "data/servitor.db", 1, 0,                                                 \
      "the database when --db is not given: a SQLite file or a postgresql:// URL")                 \
    X(LISTEN, "SERVITOR_LISTEN", "127.0.0.1:8080", 1, 0,                                           \
      "HOST:PORT the server listens on when --listen is not given")                                \
    X(TRUST_PROXY, "SERVITOR_TRUST_PROXY", "0", 0, 1,                                              \
      "1: the client's address is taken from X-Forwarded-For (as --trust-proxy)")                  \
    X(SESSION_IDLE, "SERVITOR_SESSION_IDLE", "43200", 1, 31536000,                                 \
      "seconds a session may go unused before it ends")                                            \
    X(SESSION_MAX, "SERVITOR_SESSION_MAX", "604800", 1, 31536000,                                  \
      "seconds a session lasts at most, used or not")                                              \
    X(REOPEN_DAYS, "SERVITOR_REOPEN_DAYS", "14", 0, 3650,                                          \
      "days after closing in which a request may be reopened")                                     \
    X(MAIL_FROM, "SERVITOR_MAIL_FROM", "", 1, 0,                                                   \
      "our own out-going addresses, separated by commas: mail from them is never taken")           \
    X(SEARCH_WINDOW, "SERVITOR_SEARCH_WINDOW", "2000", 1, 1000000,                                 \
      "PostgreSQL: the newest rows a search looks at before it asks the index")                    \
    X(GROUP_COMMIT, "SERVITOR_GROUP_COMMIT", "1", 0, 1,                                            \
      "SQLite: 0 gives each writing request its own commit (for measuring)")                       \
    X(JOB_TICK, "SERVITOR_JOB_TICK", "30", 1, 3600, "seconds between the jobs thread's rounds")    \
    X(JOB_PERIOD, "SERVITOR_JOB_PERIOD", "0", 0, 86400,                                            \
      "tests: seconds that replace the period of hourly and more frequent jobs (0: their own)")    \
    X(PWHASH, "SERVITOR_PWHASH", "interactive", 1, 0,                                              \
      "tests only: fast makes password hashing weak and quick")                                    \
    X(TEST_CLOCK, "SERVITOR_TEST_CLOCK", "0", 0, 1,                                                \
      "tests only: 1 routes /test/clock and /test/jobs/run and allows test-run-job")               \
    X(TEST_NOW, "SERVITOR_TEST_NOW", "", 1, 0,                                                     \
      "tests only: with TEST_CLOCK=1, the time a command's clock stands at "                       \
      "(YYYY-MM-DDTHH:MM:SSZ)")                                                                    \
    X(TEST_ENTITIES, "SERVITOR_TEST_ENTITIES", "0", 0, 1,                                          \
      "tests only: 1 serves the test-only entities")

enum setting {
#define X(id, var, def, lo, hi, help) SET_##id,
    SETTINGS_LIST(X)
#undef X
        SET__COUNT
};

/* The value of an integer setting. */
int64_t setting_int(enum setting s);
/* The value of a text setting (the default when unset). */
const char *setting_text(enum setting s);
/* Every setting: name, value, default and meaning, one per line. */
void settings_print(FILE *out);

#endif
