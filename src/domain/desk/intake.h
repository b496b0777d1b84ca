/* intake.h — the public side of the desk (domain layer): the request form
 * for clients, rate-limited per address. The status page is the requests'
 * public view (core/timeline.h). */
#ifndef SERVITOR_INTAKE_H
#define SERVITOR_INTAKE_H

#include <stdbool.h>

#include "core/entity.h"
#include "domain/desk/desk.h"

struct intake {
    const char *name;
    const char *phone; /* a phone or an e-mail is required */
    const char *email;
    const char *equipment; /* what it is about, free text */
    const char *description;
    bool consent;     /* to the processing of personal data: required */
    const char *trap; /* a field hidden from people: bots fill it */
};

/* Validates the form, finds the client by phone or e-mail (or makes one with
 * the consent dated today) and creates a web_form request. *out is NULL when
 * the trap was filled (nothing made, no error shown). ERR_INVALID with field
 * codes, ERR_LIMITED after five submissions in ten minutes from an address. */
enum err_code desk_intake(struct ctx *cx, const struct intake *in, struct record **out);

#endif
