/*
 * guard.h — abuse protection and secrets, without accounts and without
 * remembering anyone: keyed hashes of client addresses (key random, in
 * memory, rotated daily), per-client token buckets for writes and for failed
 * logins, once-per-client sets for +1 and flags, repeated-comment detection,
 * the number of connections each client holds open, signed form
 * timestamps, and staff token secrets.
 *
 * Everything about clients lives in memory only and is forgotten at each
 * key rotation; nothing here is ever written to disk except the server
 * secret (a random key in its own file, outside the database).
 *
 * Must never: store or log a client address, keep a table without a bound,
 * or compare secrets in variable time.  The only module with sodium.h.
 */
#ifndef GP_GUARD_H
#define GP_GUARD_H

#include <stddef.h>
#include <stdint.h>

#include "util/util.h"

#define GP_SECRET_LEN 32
#define GP_TOKEN_HASH_LEN 32
#define GP_TOKEN_SECRET_MAX 64
#define GP_FORM_TOKEN_MAX 64

typedef struct gp_guard gp_guard;

/* A client as guard knows it: 64 bits of keyed hash, never the address. */
typedef struct gp_client {
	uint64_t id;
	char hex[17]; /* for access logs, when wanted */
} gp_client;

typedef struct gp_guard_options {
	int write_burst;           /* writes a client may make at once */
	double write_per_minute;   /* refill rate */
	int auth_burst;            /* failed logins before 429 */
	double auth_per_minute;
	int comment_window_s;      /* identical comments refused within this */
	int64_t rotate_ms;         /* client key lifetime (default one day) */
	/*
	 * The monotonic clock in milliseconds that buckets, key rotation and
	 * the comment window read; NULL for gp_time_mono_ms().  Tests pass
	 * their own to step time exactly.  Called with the table lock held.
	 */
	int64_t (*clock_ms)(void *ctx);
	void *clock_ctx;
} gp_guard_options;

/*
 * Reads the server secret from path, creating it (mode 0600, random) when
 * missing and `create` is set.  Returns 0, GP_NOT_FOUND, or GP_EIO with a
 * message in err.
 */
int gp_guard_secret_load(unsigned char out[GP_SECRET_LEN], const char *path, int create,
                         gp_err *err);

/* Caller owns *out, free with gp_guard_free(). Copies the secret. */
int gp_guard_new(gp_guard **out, const unsigned char secret[GP_SECRET_LEN],
                 const gp_guard_options *opt);
void gp_guard_free(gp_guard *g);

/* The client behind an address (text form), under the current daily key. */
void gp_guard_client(gp_guard *g, const char *addr, gp_client *out);

/*
 * Takes one write from the client's bucket.  Returns 0, or GP_TOO_MANY with
 * *retry_after_s set to the seconds until the next write is allowed.
 */
int gp_guard_write(gp_guard *g, const gp_client *c, int *retry_after_s);

/* Failed staff logins: check before, record after a failure. */
int gp_guard_auth_check(gp_guard *g, const gp_client *c, int *retry_after_s);
void gp_guard_auth_failed(gp_guard *g, const gp_client *c);

typedef enum gp_once_kind { GP_ONCE_SUPPORT = 1, GP_ONCE_FLAG = 2 } gp_once_kind;

/* 1 the first time this client does `kind` to the point (per key period), else 0. */
int gp_guard_once(gp_guard *g, gp_once_kind kind, const gp_client *c, int64_t point_id);

/* 1 when the client sent this very comment within the window (and records it). */
int gp_guard_repeated_comment(gp_guard *g, const gp_client *c, const char *text, size_t len);

/* ---- open connections per client (conns.c) ------------------------------ */

typedef struct gp_guard_conns gp_guard_conns;

/*
 * A table for max_clients clients with a connection open at once (beyond
 * that, further clients go uncounted).  Caller owns *out, free with
 * gp_guard_conns_free().
 */
int gp_guard_conns_new(gp_guard_conns **out, size_t max_clients);
void gp_guard_conns_free(gp_guard_conns *t);
/*
 * Counts one more open connection of c, unless c already holds max:
 * then GP_TOO_MANY and nothing is counted.  *out_counted says whether this
 * connection was counted (max <= 0 or a full table count nothing); only a
 * counted one is closed with gp_guard_conns_close().  Borrows c.
 */
int gp_guard_conns_open(gp_guard_conns *t, const gp_client *c, int max, int *out_counted);
/* Ends one counted connection of c (the same id it was opened with). */
void gp_guard_conns_close(gp_guard_conns *t, const gp_client *c);
/* How many connections c holds open now. */
int gp_guard_conns_count(gp_guard_conns *t, const gp_client *c);

/* A signed form timestamp for now: "<unix seconds>.<mac>". */
void gp_guard_form_token(gp_guard *g, char out[GP_FORM_TOKEN_MAX]);
/*
 * 0 when token is genuine and between min_age_s and max_age_s old, else
 * GP_INVALID (forged, malformed, too fresh — filled faster than a person
 * can — or expired).
 */
int gp_guard_form_check(gp_guard *g, const char *token, int min_age_s, int max_age_s);

/* A new random staff secret ("gpt_" + 43 base64url characters). */
void gp_guard_token_secret(char out[GP_TOKEN_SECRET_MAX]);
/* The keyed hash stored for a staff secret. */
void gp_guard_token_hash(const unsigned char secret[GP_SECRET_LEN], const char *token,
                         unsigned char out[GP_TOKEN_HASH_LEN]);

#endif
