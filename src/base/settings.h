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
    X(EXPORT_MAX_ROWS, "SERVITOR_EXPORT_MAX_ROWS", "100000", 1, 10000000,                          \
      "rows one CSV or XLSX export of a list or report may hold; over it: 413")                    \
    X(FONT_DIR, "SERVITOR_FONT_DIR", "/usr/share/fonts/truetype/paratype", 1, 0,                   \
      "where PT Sans is (PTS55F.ttf, PTS75F.ttf from fonts-paratype): the font of PDF documents")  \
    X(BODY_MIN_RATE, "SERVITOR_BODY_MIN_RATE", "4096", 0, 1073741824,                              \
      "bytes per second a body must average after its first HEAD_TIMEOUT seconds (0: no minimum)") \
    X(BODY_MEMORY, "SERVITOR_BODY_MEMORY", "128", 2, 65536,                                        \
      "MiB that JSON bodies being received may hold together; over it: 503")                       \
    X(MAIL_FROM, "SERVITOR_MAIL_FROM", "", 1, 0,                                                   \
      "our e-mail addresses, comma-separated: the first is the From of messages to clients; "      \
      "mail from any of them is never taken as a request")                                         \
    X(SMTP_URL, "SERVITOR_SMTP_URL", "", 1, 0,                                                     \
      "where e-mail is sent: smtp://relay:587 (STARTTLS), smtps://relay:465, smtp://127.0.0.1:25 " \
      "(a local MTA); empty: messages wait in the outbox")                                         \
    X(SMTP_USER, "SERVITOR_SMTP_USER", "", 1, 0, "login at the relay (empty: none)")               \
    X(SMTP_PASSWORD, "SERVITOR_SMTP_PASSWORD", "", 1, 0, "password at the relay (never printed)")  \
    X(SMTP_TLS, "SERVITOR_SMTP_TLS", "auto", 1, 0,                                                 \
      "auto: STARTTLS required with a login, tried without; none: plain text (tests only)")        \
    X(SMTP_CA, "SERVITOR_SMTP_CA", "", 1, 0, "a CA file to trust for the relay (empty: system's)") \
    X(SMS_URL, "SERVITOR_SMS_URL", "", 1, 0,                                                       \
      "the SMS gateway's HTTP(S) address a message is POSTed to; empty: SMS wait in the outbox")   \
    X(SMS_USER, "SERVITOR_SMS_USER", "", 1, 0,                                                     \
      "login at the SMS gateway (HTTP Basic; empty: none)")                                        \
    X(SMS_PASSWORD, "SERVITOR_SMS_PASSWORD", "", 1, 0,                                             \
      "password or token at the SMS gateway (never printed)")                                      \
    X(SMS_BODY, "SERVITOR_SMS_BODY", "{\"to\":\"{phone}\",\"text\":\"{text}\"}", 1, 0,             \
      "the body POSTed to the gateway; {phone} and {text} are put in JSON-escaped")                \
    X(SMS_CONTENT_TYPE, "SERVITOR_SMS_CONTENT_TYPE", "application/json", 1, 0,                     \
      "the Content-Type of that body")                                                             \
    X(OUTBOX_ATTEMPTS, "SERVITOR_OUTBOX_ATTEMPTS", "8", 1, 100,                                    \
      "attempts to send a message before it becomes a dead letter")                                \
    X(OUTBOX_BACKOFF, "SERVITOR_OUTBOX_BACKOFF", "60", 1, 86400,                                   \
      "seconds before the second attempt; doubled after each failure, at most 6 hours")            \
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
      "tests only: 1 serves the test-only entities")                                               \
    X(METRICS_ALLOW, "SERVITOR_METRICS_ALLOW", "", 1, 0,                                           \
      "addresses besides loopback that may read /metrics, separated by commas or spaces")          \
    X(AUDIT_KEY_FILE, "SERVITOR_AUDIT_KEY_FILE", "", 1, 0,                                         \
      "the audit log's key file (empty: beside a SQLite file, servitor-audit.key for PostgreSQL)") \
    X(VAT_RATES, "SERVITOR_VAT_RATES", "22,20,10,0,none", 1, 0,                                    \
      "the VAT rates a part may have, comma-separated percentages and none")                       \
    X(STOCK_LEAD_DAYS, "SERVITOR_STOCK_LEAD_DAYS", "14", 0, 365,                                   \
      "replenishment: days from order to arrival for parts without a lead time of their own")      \
    X(STOCK_REVIEW_DAYS, "SERVITOR_STOCK_REVIEW_DAYS", "7", 0, 91,                                 \
      "replenishment: days between orders (the period an order must cover after the lead time)")

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
/* Where temporary files go (exports, documents): $TMPDIR, else /tmp. */
const char *settings_tmpdir(void);
/* Every setting: name, value, default and meaning, one per line. */
void settings_print(FILE *out);

#endif
