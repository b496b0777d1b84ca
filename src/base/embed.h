/* embed.h — files compiled into the binary (base layer): migrations and the
 * web UI. tools/embed.c writes the arrays at build time. */
#ifndef SERVITOR_EMBED_H
#define SERVITOR_EMBED_H

#include <stddef.h>

struct embedded_file {
    const char *name; /* file name without folders: "app.js" */
    const unsigned char *data;
    size_t len;
};

#endif
