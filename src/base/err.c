/* err.c — the one error shape (base layer). */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "text.h"
#include "banned.h"

static const struct {
    int status;
    const char *str;
} err_table[] = {
#define X(name, status, str) {status, str},
    ERR_LIST(X)
#undef X
};

int err_http_status(enum err_code code) { return code < ERR__COUNT ? err_table[code].status : 500; }

const char *err_code_str(enum err_code code)
{
    return code < ERR__COUNT ? err_table[code].str : "internal";
}

void err_clear(struct err *e)
{
    e->code = ERR_OK;
    e->message[0] = 0;
    e->nfields = 0;
    e->retry_after = 0;
}

enum err_code err_set(struct err *e, enum err_code code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof(e->message), fmt, ap);
    va_end(ap);
    /* messages quote input and may be cut mid-character: keep them UTF-8,
     * or the JSON error could not be written */
    utf8_sanitize(e->message);
    e->code = code;
    return code;
}

void err_field(struct err *e, const char *name, const char *code)
{
    for (int i = 0; i < e->nfields; i++)
        if (strcmp(e->fields[i].name, name) == 0)
            return;
    if (e->nfields < ERR_MAX_FIELDS) {
        e->fields[e->nfields].name = name;
        e->fields[e->nfields].code = code;
        e->nfields++;
    }
}
