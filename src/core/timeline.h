/* timeline.h — the timeline of a record and its public page (core layer).
 *
 * Any entity with a workflow may keep a timeline: one chronological thread
 * of events per record (replies, internal notes, status changes, files…)
 * in the one `events` table, keyed by the entity's name and the record's id.
 * It declares it in its descriptor (`.timeline = true`); the routes
 * GET /api/v1/<name>/:id/timeline and POST …/comments, the audit of
 * comments and the UI's timeline come with that. A `public_view` adds a page
 * for clients without logging in: the record found by its number and access
 * code, the declared fields and the public events of the declared kinds. */
#ifndef SERVITOR_TIMELINE_H
#define SERVITOR_TIMELINE_H

#include "core/entity.h"

/* One event of a record's timeline. */
struct event {
    int64_t id;
    const char *at;
    int64_t user_id; /* 0: the client or the system */
    const char *user_name;
    const char *author; /* who wrote it when no user did (client_reply), or NULL */
    const char *kind;   /* created, reply, client_reply, note, status, assigned… */
    bool public_event;
    const char *body;
    const char *from_state, *to_state;
    int64_t attachment_id; /* a "file" event: its attachment (core/files.h), else 0 */
    int64_t file_size;     /* and that file's size (its name is the body) */
};

/* What an entity shows its clients. The record is found by number_field
 * and code_field together (both text); code_field is filled with a random
 * six-digit code when a record is created without one. */
struct public_view {
    const char *number_field;  /* "number" */
    const char *code_field;    /* "access_code" */
    const char *const *fields; /* shown, NULL-terminated: "number", "status"… */
    const char *const *kinds;  /* public event kinds shown, NULL-terminated;
                                  NULL: every public event */
};

/* Adds an event to a record's timeline, in the caller's transaction, by the
 * acting user (cx->user) — or, when author is given, by nobody: author
 * signs what no user wrote (a client's e-mail). *event_id may be NULL. */
enum err_code timeline_add(struct ctx *cx, const struct entity *ent, int64_t id, const char *kind,
                           bool public_event, const char *body, const char *from, const char *to,
                           const char *author, int64_t *event_id);

/* A "file" event: the attachment (core/files.h) added to the record, its
 * name as the body; public_event puts it on the public page. */
enum err_code timeline_add_file(struct ctx *cx, const struct entity *ent, int64_t id,
                                bool public_event, int64_t attachment_id, const char *file_name,
                                int64_t *event_id);

/* The whole timeline, oldest first (at most 1000 events); with public_only,
 * only what the client may see. Arena-owned. */
enum err_code timeline_list(struct ctx *cx, const struct entity *ent, int64_t id, bool public_only,
                            struct event **out, int *n);

/* A reply (public) or an internal note by the acting user, in its own
 * transaction unless one is open: checked (ERR_INVALID: empty, not UTF-8,
 * over 10 000 characters), the record must exist (ERR_NOTFOUND), then the
 * event, the entity's on_comment hook and the audit entry. */
enum err_code timeline_comment(struct ctx *cx, const struct entity *ent, int64_t id,
                               const char *body, bool public_reply, int64_t *event_id);

/* Deletes a record's events and its attachments' rows (its delete, in the
 * same transaction). */
enum err_code timeline_forget(struct ctx *cx, const struct entity *ent, int64_t id);

/* Fills the public view's access code of a new record when it has none. */
void timeline_new_code(struct ctx *cx, struct record *rec);
/* Access codes: TIMELINE_CODE_LEN characters of Crockford's base32 (50
 * random bits; docs/operations.md has the arithmetic against guessing),
 * typed by the client in any case, with spaces or dashes. Codes made before
 * were 6 digits and still work. */
#define TIMELINE_CODE_LEN 10

/* The public page of a record: found by number and code (both required),
 * at most ten wrong pairs per ten minutes from one address and ten an hour
 * for one number from anywhere (ERR_LIMITED; right pairs do not count);
 * a wrong number and a wrong code answer the same ERR_NOTFOUND. The record
 * and its public events of the view's kinds. An entity without a public
 * view (or none: ent NULL) answers and counts as a wrong pair. */
enum err_code timeline_public(struct ctx *cx, const struct entity *ent, const char *number,
                              const char *code, struct record **rec, struct event **events, int *n);

#endif
