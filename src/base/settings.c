/* settings.c — SERVITOR_* variables, read and checked in one place
 * (base layer). */
#include "base/settings.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "base/banned.h"

struct setting_def {
    const char *var;
    const char *def;
    int64_t min, max;
    const char *help;
};

static const struct setting_def defs[SET__COUNT] = {
#define X(id, var, def, lo, hi, help) [SET_##id] = {var, def, lo, hi, help},
    SETTINGS_LIST(X)
#undef X
};

static bool warned[SET__COUNT];

/* The environment is read once per setting: a getenv per request (the
 * idle timeout, the reopen window…) walked the whole environment each time.
 * Integers are kept as their value + 1 (0: not read yet). */
static _Atomic int64_t int_cache[SET__COUNT];

static int64_t setting_read(enum setting s)
{
    const struct setting_def *d = &defs[s];
    int64_t v = 0, fallback = 0;
    parse_i64(d->def, strlen(d->def), &fallback);
    const char *env = getenv(d->var);
    if (!env || !*env)
        return fallback;
    if (!parse_i64(env, strlen(env), &v) || v < d->min || v > d->max) {
        if (!warned[s]) {
            warned[s] = true; /* a benign race: at worst said twice */
            fprintf(stderr, "servitor: %s=%s is not a number from %lld to %lld; using %s\n", d->var,
                    env, (long long)d->min, (long long)d->max, d->def);
        }
        return fallback;
    }
    return v;
}

int64_t setting_int(enum setting s)
{
    int64_t v = atomic_load_explicit(&int_cache[s], memory_order_relaxed);
    if (v)
        return v - 1;
    v = setting_read(s);
    if (v != INT64_MAX)
        atomic_store_explicit(&int_cache[s], v + 1, memory_order_relaxed);
    return v;
}

const char *setting_text(enum setting s)
{
    const char *env = getenv(defs[s].var);
    return env && *env ? env : defs[s].def;
}

const char *settings_tmpdir(void)
{
    const char *d = getenv("TMPDIR");
    return d && *d ? d : "/tmp";
}

void settings_print(FILE *out)
{
    for (int i = 0; i < SET__COUNT; i++) {
        const struct setting_def *d = &defs[i];
        const char *env = getenv(d->var);
        const char *value = env && *env ? env : d->def;
        if (env && *env && strstr(d->var, "PASSWORD"))
            value = "(set)"; /* a secret is never printed */
        fprintf(out, "%-32s %-12s (default %s%s) %s\n", d->var, value, d->def,
                d->min <= d->max ? "" : ", text", d->help);
    }
}
