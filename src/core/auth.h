/* auth.h — passwords, sessions, API tokens and login rate limiting (core layer).
 *
 * Passwords: Argon2id (libsodium), cost from SERVITOR_PWHASH ("fast" for the
 * test suite; the interactive default otherwise), at most two hashes at once.
 * Sessions and tokens: 256 random bits given to the client, only their SHA-256
 * stored. Rate-limit counters live in the database, so several processes
 * share them. */
#ifndef SERVITOR_AUTH_H
#define SERVITOR_AUTH_H

#include <stdbool.h>
#include <jansson.h>
#include <stdint.h>

#include "core/ctx.h"

#define AUTH_HASH_LEN  128 /* crypto_pwhash_STRBYTES */
#define AUTH_TOKEN_LEN 64

/* Once per process, before any other call. False when libsodium fails. */
bool auth_init(void);

void auth_password_hash(const char *password, char out[AUTH_HASH_LEN]);
bool auth_password_verify(const char *hash, const char *password);

struct session {
    char token[AUTH_TOKEN_LEN]; /* only set by auth_login */
    char csrf[AUTH_TOKEN_LEN];
};

/* Checks the login rate limit, the password and the account, then opens a
 * session. ERR_LIMITED (retry_after set), ERR_AUTH, or ERR_OK with *user
 * (arena) and the new session's token and CSRF token. */
enum err_code auth_login(struct ctx *cx, const char *login, const char *password,
                         struct user **user, struct session *s);
/* Finds the session of a cookie token; ERR_AUTH when missing, expired or
 * the user is inactive. Keeps the session alive (idle expiry). */
enum err_code auth_session(struct ctx *cx, const char *token, struct user **user,
                           struct session *s);
/* Writes the sessions' last uses noted by auth_session since the last call
 * (one short write transaction); what could not be written is kept for the
 * next call. The jobs thread calls it every tick. */
enum err_code auth_session_flush(struct ctx *cx);
/* How many last uses are noted and not yet written. */
int auth_session_pending(void);
/* Deletes the sessions past their absolute or idle limit at `now`. */
enum err_code auth_sessions_expire(struct ctx *cx, int64_t now);
/* Ends a session (logout). */
enum err_code auth_logout(struct ctx *cx, const char *token);
/* Ends every session of a user (deactivation, password change). */
enum err_code auth_end_sessions(struct ctx *cx, int64_t user_id);
/* Ends every API token of a user (deactivation, password change): they are
 * deleted, so reactivating the user does not bring them back. */
enum err_code auth_end_tokens(struct ctx *cx, int64_t user_id);
/* Finds the user of an API token (Authorization: Bearer): ERR_AUTH when
 * unknown, expired or the user is inactive; the user's permissions are
 * narrowed to the token's scope. */
enum err_code auth_bearer(struct ctx *cx, const char *token, struct user **user);

/* A token's scope: "full" (its user's permissions), "read" (the *.read ones
 * among them), or permission names separated by spaces (those among them).
 * False when the text is none of these (an unknown permission name). */
bool auth_scope_valid(const char *scope);
/* What a token with that scope may do, given its user's permissions: their
 * intersection. An invalid scope grants nothing. */
struct perms auth_scope_perms(struct perms user_perms, const char *scope);

/* Makes a new API token for an active user (ERR_INVALID with a user_id
 * field error when there is none), with a scope (auth_scope_valid) and an
 * expiry (unix seconds, 0: none), audited, in the caller's transaction or
 * its own; the token text is returned once. */
enum err_code auth_token_create(struct ctx *cx, const char *name, int64_t user_id,
                                const char *scope, int64_t expires_at, int64_t *id,
                                const char **token);
/* The API tokens, newest first, as JSON objects (id, name, user_id,
 * user_login, prefix, created_at, scope, expires_at) in a new array. */
enum err_code auth_tokens_list(struct ctx *cx, json_t **items);
/* Revokes a token (audited); ERR_NOTFOUND when there is none. */
enum err_code auth_token_delete(struct ctx *cx, int64_t id);

/* Loads a user by id with their role's permissions. */
enum err_code auth_user_load(struct ctx *cx, int64_t id, struct user **user);

/* SHA-256 of a token as hex (what the database stores). */
void auth_token_digest(const char *token, char out[65]);

#endif
