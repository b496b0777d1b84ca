/* workshop.c — the workshop's own calls (api layer): the list of warranty
 * repairs past their legal deadline; the orders themselves, their
 * transitions, timeline and documents go through the generic handlers. */
#include <string.h>

#include "api/api.h"
#include "base/timeutil.h"
#include "domain/workshop/clocks.h"
#include "domain/workshop/workshop.h"
#include "base/banned.h"

/* Open warranty repairs whose legal deadline (ЗоЗПП ст. 20: 45 days) has
 * passed, the longest overdue first, in the caller's branch scope. */
API_HANDLER(api_workshop_overdue)
{
    char today[ISO_DATE_LEN];
    json_t *items;
    /* ?kind: the other clocks (domain/workshop/clocks.h) */
    const char *kind = api_param(rq, "kind");
    enum err_code rc = kind && strcmp(kind, "legal") ? clocks_overdue(cx, kind, today, &items)
                                                     : repair_overdue(cx, today, &items);
    if (rc != ERR_OK)
        return rc;
    http_json(rs, 200, json_pack("{s:o,s:s}", "items", items, "today", today));
    return ERR_OK;
}
