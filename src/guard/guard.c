/*
 * guard.c — the in-memory client table and everything keyed.
 *
 * The client table is open addressing over 64-bit client ids, one mutex,
 * a fixed maximum of entries: when it is full, the oldest entries (by last
 * use) are dropped, which can only make a client look new (more lenient),
 * never block anyone wrongly.  The once-set (supports, flags) is a second
 * open-addressing table of 64-bit fingerprints; when it is full, further
 * actions are not counted (and a warning is logged) rather than growing.
 * Both tables are cleared when the client key rotates: the old ids mean
 * nothing under the new key.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "guard.h"

#define CLIENTS_MAX (1u << 16)  /* power of two */
#define ONCE_MAX (1u << 22)     /* power of two; 32 MiB */
#define RECENT_COMMENTS 8

typedef struct bucket {
	double tokens;
	int64_t since_ms;
} bucket;

typedef struct client_entry {
	uint64_t id; /* 0: empty */
	int64_t last_ms;
	bucket write;
	bucket auth;
	uint64_t comment[RECENT_COMMENTS];
	int64_t comment_ms[RECENT_COMMENTS];
	unsigned comment_next;
} client_entry;

struct gp_guard {
	pthread_mutex_t mu;
	gp_guard_options opt;
	unsigned char secret[GP_SECRET_LEN];
	unsigned char form_key[crypto_generichash_KEYBYTES];
	unsigned char client_key[crypto_generichash_KEYBYTES]; /* rotates */
	int64_t client_key_since;
	client_entry *clients;
	size_t nclients;
	uint64_t *once;
	size_t nonce;
	int once_full_logged;
};

static int64_t now_ms(const gp_guard *g)
{
	return g->opt.clock_ms ? g->opt.clock_ms(g->opt.clock_ctx) : gp_time_mono_ms();
}

int gp_guard_secret_load(unsigned char out[GP_SECRET_LEN], const char *path, int create,
                         gp_err *err)
{
	unsigned char buf[GP_SECRET_LEN];
	ssize_t n;
	int fd;

	if (sodium_init() < 0)
		return gp_err_set(err, GP_EFAULT, "secret", "libsodium cannot start");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && create) {
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0) {
			randombytes_buf(buf, sizeof(buf));
			n = write(fd, buf, sizeof(buf));
			if (n != (ssize_t)sizeof(buf) || fsync(fd) != 0) {
				close(fd);
				unlink(path);
				return gp_err_set(err, GP_EIO, "secret", "cannot write %s: %s", path,
				                  strerror(errno));
			}
			close(fd);
			memcpy(out, buf, sizeof(buf));
			sodium_memzero(buf, sizeof(buf));
			return 0;
		}
		if (errno != EEXIST)
			return gp_err_set(err, GP_EIO, "secret", "cannot create %s: %s", path,
			                  strerror(errno));
		fd = open(path, O_RDONLY | O_CLOEXEC); /* another process won the race */
	}
	if (fd < 0) {
		if (errno == ENOENT)
			return gp_err_set(err, GP_NOT_FOUND, "secret", "no server secret at %s", path);
		return gp_err_set(err, GP_EIO, "secret", "cannot read %s: %s", path, strerror(errno));
	}
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n != (ssize_t)sizeof(buf))
		return gp_err_set(err, GP_EIO, "secret", "%s is not a geopart secret (%d bytes)", path,
		                  (int)n);
	memcpy(out, buf, sizeof(buf));
	sodium_memzero(buf, sizeof(buf));
	return 0;
}

static void derive(unsigned char *out, size_t outlen, const unsigned char secret[GP_SECRET_LEN],
                   const char *purpose)
{
	crypto_generichash(out, outlen, (const unsigned char *)purpose, strlen(purpose), secret,
	                   GP_SECRET_LEN);
}

int gp_guard_new(gp_guard **out, const unsigned char secret[GP_SECRET_LEN],
                 const gp_guard_options *opt)
{
	gp_guard *g;

	*out = NULL;
	if (sodium_init() < 0)
		return GP_EFAULT;
	if (!(g = calloc(1, sizeof(*g))))
		return GP_ENOMEM;
	g->clients = calloc(CLIENTS_MAX, sizeof(*g->clients));
	g->once = calloc(ONCE_MAX, sizeof(*g->once));
	if (!g->clients || !g->once || pthread_mutex_init(&g->mu, NULL)) {
		free(g->clients);
		free(g->once);
		free(g);
		return GP_ENOMEM;
	}
	g->opt = *opt;
	memcpy(g->secret, secret, GP_SECRET_LEN);
	derive(g->form_key, sizeof(g->form_key), secret, "geopart form timestamps");
	randombytes_buf(g->client_key, sizeof(g->client_key));
	g->client_key_since = now_ms(g);
	*out = g;
	return 0;
}

void gp_guard_free(gp_guard *g)
{
	if (!g)
		return;
	sodium_memzero(g->secret, sizeof(g->secret));
	sodium_memzero(g->client_key, sizeof(g->client_key));
	pthread_mutex_destroy(&g->mu);
	free(g->clients);
	free(g->once);
	free(g);
}

/* Call with mu held: a new key forgets every client. */
static void rotate_if_due(gp_guard *g, int64_t now)
{
	if (now - g->client_key_since < g->opt.rotate_ms)
		return;
	randombytes_buf(g->client_key, sizeof(g->client_key));
	g->client_key_since = now;
	memset(g->clients, 0, CLIENTS_MAX * sizeof(*g->clients));
	memset(g->once, 0, ONCE_MAX * sizeof(*g->once));
	g->nclients = g->nonce = 0;
	g->once_full_logged = 0;
}

void gp_guard_client(gp_guard *g, const char *addr, gp_client *out)
{
	unsigned char h[8];

	pthread_mutex_lock(&g->mu);
	rotate_if_due(g, now_ms(g));
	crypto_generichash(h, sizeof(h), (const unsigned char *)addr, strlen(addr), g->client_key,
	                   sizeof(g->client_key));
	pthread_mutex_unlock(&g->mu);
	memcpy(&out->id, h, sizeof(h));
	if (out->id == 0)
		out->id = 1; /* 0 marks an empty slot */
	snprintf(out->hex, sizeof(out->hex), "%016llx", (unsigned long long)out->id);
}

static int cmp_age(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Drops the least recently used quarter of clients; call with mu held. */
static void evict_clients(gp_guard *g)
{
	int64_t *ages = malloc(g->nclients * sizeof(*ages)), cut;
	size_t k = 0;
	client_entry *old = g->clients;

	if (!ages)
		return;
	for (size_t i = 0; i < CLIENTS_MAX; i++)
		if (old[i].id)
			ages[k++] = old[i].last_ms;
	/*
	 * The quartile by a full sort: n log n keeps the lock for about a
	 * millisecond, where a selection by swapping held every write, +1 and
	 * login of the process for half a second.
	 */
	qsort(ages, k, sizeof(*ages), cmp_age);
	cut = ages[k / 4];
	free(ages);
	g->clients = calloc(CLIENTS_MAX, sizeof(*g->clients));
	if (!g->clients) {
		g->clients = old;
		return;
	}
	g->nclients = 0;
	for (size_t i = 0; i < CLIENTS_MAX; i++) {
		if (!old[i].id || old[i].last_ms <= cut)
			continue;
		size_t j = (size_t)old[i].id & (CLIENTS_MAX - 1);
		while (g->clients[j].id)
			j = (j + 1) & (CLIENTS_MAX - 1);
		g->clients[j] = old[i];
		g->nclients++;
	}
	free(old);
}

/* The client's entry, created when missing; call with mu held. */
static client_entry *entry(gp_guard *g, uint64_t id, int64_t now)
{
	size_t i;

	if (g->nclients >= CLIENTS_MAX / 2)
		evict_clients(g);
	i = (size_t)id & (CLIENTS_MAX - 1);
	while (g->clients[i].id && g->clients[i].id != id)
		i = (i + 1) & (CLIENTS_MAX - 1);
	if (!g->clients[i].id) {
		memset(&g->clients[i], 0, sizeof(g->clients[i]));
		g->clients[i].id = id;
		g->clients[i].write = (bucket){ g->opt.write_burst, now };
		g->clients[i].auth = (bucket){ g->opt.auth_burst, now };
		g->nclients++;
	}
	g->clients[i].last_ms = now;
	return &g->clients[i];
}

/* Refills a bucket and, with `consume`, takes one token if there is one. */
static int take(bucket *b, int64_t now, int burst, double per_minute, int consume,
                int *retry_after_s)
{
	b->tokens += (double)(now - b->since_ms) * per_minute / 60000.0;
	if (b->tokens > burst)
		b->tokens = burst;
	b->since_ms = now;
	if (b->tokens >= 1.0) {
		if (consume)
			b->tokens -= 1.0;
		return 0;
	}
	if (retry_after_s) {
		double wait = (1.0 - b->tokens) * 60.0 / (per_minute > 0 ? per_minute : 1e-9);
		*retry_after_s = (int)wait + 1;
	}
	return GP_TOO_MANY;
}

typedef enum which_bucket { WRITE_BUCKET, AUTH_BUCKET } which_bucket;

/* One client's bucket, under the table lock. */
static int use_bucket(gp_guard *g, const gp_client *c, which_bucket which, int consume,
                      int *retry_after_s)
{
	client_entry *e;
	int64_t now;
	int rc;

	pthread_mutex_lock(&g->mu);
	now = now_ms(g);
	rotate_if_due(g, now);
	e = entry(g, c->id, now);
	if (which == WRITE_BUCKET)
		rc = take(&e->write, now, g->opt.write_burst, g->opt.write_per_minute, consume,
		          retry_after_s);
	else
		rc = take(&e->auth, now, g->opt.auth_burst, g->opt.auth_per_minute, consume,
		          retry_after_s);
	pthread_mutex_unlock(&g->mu);
	return rc;
}

int gp_guard_write(gp_guard *g, const gp_client *c, int *retry_after_s)
{
	return use_bucket(g, c, WRITE_BUCKET, 1, retry_after_s);
}

int gp_guard_auth_check(gp_guard *g, const gp_client *c, int *retry_after_s)
{
	return use_bucket(g, c, AUTH_BUCKET, 0, retry_after_s);
}

void gp_guard_auth_failed(gp_guard *g, const gp_client *c)
{
	use_bucket(g, c, AUTH_BUCKET, 1, NULL);
}

int gp_guard_once(gp_guard *g, gp_once_kind kind, const gp_client *c, int64_t point_id)
{
	unsigned char in[17], h[8];
	uint64_t fp;
	size_t i;
	int first = 0;

	memcpy(in, &c->id, 8);
	memcpy(in + 8, &point_id, 8);
	in[16] = (unsigned char)kind;
	pthread_mutex_lock(&g->mu);
	rotate_if_due(g, now_ms(g));
	crypto_generichash(h, sizeof(h), in, sizeof(in), g->client_key, sizeof(g->client_key));
	memcpy(&fp, h, 8);
	if (!fp)
		fp = 1;
	i = (size_t)fp & (ONCE_MAX - 1);
	while (g->once[i] && g->once[i] != fp)
		i = (i + 1) & (ONCE_MAX - 1);
	if (!g->once[i]) {
		if (g->nonce < ONCE_MAX / 2) {
			g->once[i] = fp;
			g->nonce++;
			first = 1;
		} else if (!g->once_full_logged) {
			g->once_full_logged = 1;
			gp_log_warn("once-per-client table full until the next key rotation; "
			            "further +1/flags are not counted");
		}
	}
	pthread_mutex_unlock(&g->mu);
	return first;
}

int gp_guard_repeated_comment(gp_guard *g, const gp_client *c, const char *text, size_t len)
{
	int64_t now, window = (int64_t)g->opt.comment_window_s * 1000;
	unsigned char h[8];
	uint64_t fp;
	client_entry *e;
	int seen = 0;

	pthread_mutex_lock(&g->mu);
	now = now_ms(g);
	rotate_if_due(g, now);
	crypto_generichash(h, sizeof(h), (const unsigned char *)text, len, g->client_key,
	                   sizeof(g->client_key));
	memcpy(&fp, h, 8);
	e = entry(g, c->id, now);
	for (int i = 0; i < RECENT_COMMENTS; i++)
		if (e->comment[i] == fp && now - e->comment_ms[i] < window)
			seen = 1;
	if (!seen) {
		e->comment[e->comment_next % RECENT_COMMENTS] = fp;
		e->comment_ms[e->comment_next % RECENT_COMMENTS] = now;
		e->comment_next++;
	}
	pthread_mutex_unlock(&g->mu);
	return seen;
}

static void form_mac(const gp_guard *g, long long secs, char *out, size_t outsz)
{
	unsigned char mac[16];
	char msg[48];

	snprintf(msg, sizeof(msg), "form:%lld", secs);
	crypto_generichash(mac, sizeof(mac), (const unsigned char *)msg, strlen(msg), g->form_key,
	                   sizeof(g->form_key));
	sodium_bin2base64(out, outsz, mac, sizeof(mac), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void gp_guard_form_token(gp_guard *g, char out[GP_FORM_TOKEN_MAX])
{
	long long secs = (long long)time(NULL);
	char mac[32];

	form_mac(g, secs, mac, sizeof(mac));
	snprintf(out, GP_FORM_TOKEN_MAX, "%lld.%s", secs, mac);
}

int gp_guard_form_check(gp_guard *g, const char *token, int min_age_s, int max_age_s)
{
	char want[32];
	const char *dot;
	long long secs, age;
	int64_t v;
	char num[24];

	if (!token || !(dot = strchr(token, '.')) || (size_t)(dot - token) >= sizeof(num))
		return GP_INVALID;
	memcpy(num, token, (size_t)(dot - token));
	num[dot - token] = '\0';
	if (gp_parse_i64(&v, num, 0, INT64_MAX / 2))
		return GP_INVALID;
	secs = v;
	form_mac(g, secs, want, sizeof(want));
	if (strlen(dot + 1) != strlen(want) ||
	    sodium_memcmp(dot + 1, want, strlen(want)) != 0)
		return GP_INVALID;
	age = (long long)time(NULL) - secs;
	if (age < min_age_s || age > max_age_s)
		return GP_INVALID;
	return 0;
}

void gp_guard_token_secret(char out[GP_TOKEN_SECRET_MAX])
{
	unsigned char raw[32];

	if (sodium_init() < 0)
		abort(); /* no randomness: never hand out a weak secret */
	randombytes_buf(raw, sizeof(raw));
	memcpy(out, "gpt_", 4);
	sodium_bin2base64(out + 4, GP_TOKEN_SECRET_MAX - 4, raw, sizeof(raw),
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

void gp_guard_token_hash(const unsigned char secret[GP_SECRET_LEN], const char *token,
                         unsigned char out[GP_TOKEN_HASH_LEN])
{
	unsigned char key[crypto_generichash_KEYBYTES];

	derive(key, sizeof(key), secret, "geopart staff tokens");
	crypto_generichash(out, GP_TOKEN_HASH_LEN, (const unsigned char *)token, strlen(token), key,
	                   sizeof(key));
	sodium_memzero(key, sizeof(key));
}
