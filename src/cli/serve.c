/* serve.c — `servitor serve` (cli layer). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/timeutil.h"
#include "base/settings.h"
#include "base/util.h"
#include "cli/cli.h"
#include "core/files.h"
#include "docs/pdf.h"
#include "http/http.h"
#include "base/banned.h"

int cmd_serve(int argc, char **argv)
{
    const char *listen = cli_opt(argc, argv, "--listen");
    if (!listen)
        listen = setting_text(SET_LISTEN);
    const char *colon = strrchr(listen, ':');
    int64_t port;
    if (!colon || !parse_i64(colon + 1, strlen(colon + 1), &port) || port < 0 || port > 65535) {
        fprintf(stderr, "servitor: --listen takes HOST:PORT, e.g. 127.0.0.1:8080\n");
        return 2;
    }
    char host[256];
    size_t hl = (size_t)(colon - listen);
    if (hl == 0 || hl >= sizeof(host)) {
        fprintf(stderr, "servitor: --listen takes HOST:PORT, e.g. 127.0.0.1:8080\n");
        return 2;
    }
    memcpy(host, listen, hl);
    host[hl] = 0;
    if (!strcmp(host, "localhost"))
        strlcpy_(host, "127.0.0.1", sizeof(host));
    const char *url = cli_db_url(argc, argv);
    struct db *db = cli_open_db(url);
    if (!db)
        return 1;
    db_close(db);
    int64_t threads = 8;
    const char *t = cli_opt(argc, argv, "--threads");
    if (t && (!parse_i64(t, strlen(t), &threads) || threads < 1 || threads > 256)) {
        fprintf(stderr, "servitor: --threads takes a number from 1 to 256\n");
        return 2;
    }
    char dir[512];
    const char *files = cli_files_dir(argc, argv, url, dir, sizeof(dir));
    files_set_dir(files);
    if (setting_int(SET_TEST_CLOCK)) {
        /* for tests only: the clock can be set and jobs run over HTTP */
        time_test_enable();
        fprintf(stderr, "servitor: test clock on: /test/* are routed (never in production)\n");
    }
    struct err fe = {0}; /* PDF documents answer 503 without their fonts; said at start */
    if (pdf_fonts_check(&fe) != ERR_OK)
        fprintf(stderr, "servitor: warning: PDF documents are off: %s\n", fe.message);
    char spool[600]; /* uploads being received: on the files' disk, not in /tmp (tmpfs) */
    snprintf(spool, sizeof(spool), "%s/.incoming", files);
    struct server_opts opts = {
        .listen_host = host,
        .port = (int)port,
        .db_url = url,
        .db_read_url = cli_opt(argc, argv, "--db-read"),
        .threads = (int)threads,
        .spool_dir = spool,
        .trust_proxy = cli_flag(argc, argv, "--trust-proxy") || setting_int(SET_TRUST_PROXY),
    };
    return server_run(&opts);
}

int cmd_settings(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    settings_print(stdout);
    return 0;
}
