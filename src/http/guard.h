/* guard.h — deadlines for slow clients (http layer).
 *
 * libmicrohttpd's connection timeout is an idle timeout: it restarts with
 * every byte, so a client sending one header line every few seconds keeps a
 * connection forever. The guard watches each connection's phase and cuts
 * (shutdown(2), then libmicrohttpd closes it) one that
 *   - waits longer than SERVITOR_IDLE_TIMEOUT for its next request line,
 *   - takes longer than SERVITOR_HEAD_TIMEOUT from the request line to the
 *     end of its headers,
 *   - sends its body slower than SERVITOR_BODY_MIN_RATE on average after its
 *     first SERVITOR_HEAD_TIMEOUT seconds.
 * A connection being answered is left to the idle timeout. The main thread
 * sweeps every 100 ms. */
#ifndef SERVITOR_GUARD_H
#define SERVITOR_GUARD_H

#include <stddef.h>
#include <stdint.h>

struct MHD_Connection;

/* Reads the limits (settings); call once before serving. */
void guard_init(void);
/* libmicrohttpd's connection notification: started / closed. */
void guard_connection(struct MHD_Connection *c, void **socket_context, int closed);
/* The request line arrived (libmicrohttpd's URI log callback). */
void guard_request_line(struct MHD_Connection *c);
/* The headers are complete; a body may follow. */
void guard_headers_done(struct MHD_Connection *c);
/* n more bytes of the body arrived. */
void guard_body_bytes(struct MHD_Connection *c, size_t n);
/* The request is being answered: no deadline of the guard's. */
void guard_answering(struct MHD_Connection *c);
/* The answer went out: the connection waits for its next request. */
void guard_idle(struct MHD_Connection *c);
/* Cuts the connections past their deadline. */
void guard_sweep(void);
/* Connections cut so far, by reason. */
void guard_stats(uint64_t *idle, uint64_t *head, uint64_t *body);

#endif
