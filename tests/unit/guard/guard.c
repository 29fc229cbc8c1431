/*
 * Unit tests for guard/: client hashes, buckets, once-sets, repeated
 * comments, open connections per client, form timestamps, staff token
 * secrets and the server secret file.  Time is a clock the test steps
 * itself (gp_guard_options.clock_ms), so refills, windows, key rotation
 * and eviction are checked to the millisecond.
 */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../check.h"
#include "guard/guard.h"

/* What guard.c promises about its tables (see its header comment). */
#define CLIENTS_BOUND (1 << 15) /* clients before the least recently used quarter goes */
#define ONCE_BOUND (1 << 21)    /* fingerprints before +1/flags stop counting */

static int64_t test_now;

static int64_t test_clock(void *ctx)
{
	(void)ctx;
	return test_now;
}

static gp_guard_options opts(int64_t rotate_ms)
{
	return (gp_guard_options){ .write_burst = 3, .write_per_minute = 60, .auth_burst = 2,
		                   .auth_per_minute = 1, .comment_window_s = 600,
		                   .rotate_ms = rotate_ms, .clock_ms = test_clock };
}

static void client_n(gp_guard *g, unsigned n, gp_client *out)
{
	char addr[32];

	snprintf(addr, sizeof(addr), "10.%u.%u.%u", (n >> 16) & 255, (n >> 8) & 255, n & 255);
	gp_guard_client(g, addr, out);
}

/* Burst 3, one write a second: exact boundaries of spending and refilling. */
static void test_write_bucket(const unsigned char *secret)
{
	gp_guard_options o = opts(24LL * 3600 * 1000);
	gp_guard *g = NULL;
	gp_client a, b;
	int retry = -1;

	test_now = 1000000;
	CHECK_INT(gp_guard_new(&g, secret, &o), 0);
	gp_guard_client(g, "192.0.2.1", &a);
	gp_guard_client(g, "192.0.2.2", &b);
	/* the whole burst at one instant, not one more */
	for (int i = 0; i < 3; i++)
		CHECK_INT(gp_guard_write(g, &a, &retry), 0);
	CHECK_INT(gp_guard_write(g, &a, &retry), GP_TOO_MANY);
	CHECK_INT(retry, 2); /* one second to wait, told as the next whole second past it */
	CHECK_INT(gp_guard_write(g, &b, &retry), 0); /* another client is unaffected */
	/* a refused write costs nothing: one second after the burst, one more */
	test_now += 999;
	CHECK_INT(gp_guard_write(g, &a, &retry), GP_TOO_MANY);
	CHECK_INT(retry, 1);
	test_now += 1;
	CHECK_INT(gp_guard_write(g, &a, &retry), 0);
	CHECK_INT(gp_guard_write(g, &a, &retry), GP_TOO_MANY);
	/* partial refill: 2.5 s give two writes and leave half a token */
	test_now += 2500;
	CHECK_INT(gp_guard_write(g, &a, &retry), 0);
	CHECK_INT(gp_guard_write(g, &a, &retry), 0);
	CHECK_INT(gp_guard_write(g, &a, &retry), GP_TOO_MANY);
	CHECK_INT(retry, 1); /* half a second left */
	test_now += 499;
	CHECK_INT(gp_guard_write(g, &a, &retry), GP_TOO_MANY);
	test_now += 1;
	CHECK_INT(gp_guard_write(g, &a, &retry), 0);
	/* a long rest refills to the burst, never beyond it */
	test_now += 3600 * 1000;
	for (int i = 0; i < 3; i++)
		CHECK_INT(gp_guard_write(g, &a, &retry), 0);
	CHECK_INT(gp_guard_write(g, &a, &retry), GP_TOO_MANY);

	/* failed logins: burst 2, one a minute; checking does not consume */
	CHECK_INT(gp_guard_auth_check(g, &a, &retry), 0);
	gp_guard_auth_failed(g, &a);
	CHECK_INT(gp_guard_auth_check(g, &a, &retry), 0);
	gp_guard_auth_failed(g, &a);
	CHECK_INT(gp_guard_auth_check(g, &a, &retry), GP_TOO_MANY);
	CHECK_INT(retry, 61);
	CHECK_INT(gp_guard_auth_check(g, &b, &retry), 0);
	test_now += 59999;
	CHECK_INT(gp_guard_auth_check(g, &a, &retry), GP_TOO_MANY);
	CHECK_INT(retry, 1);
	test_now += 1;
	CHECK_INT(gp_guard_auth_check(g, &a, &retry), 0);
	/* the write bucket and the login bucket are separate */
	gp_guard_client(g, "192.0.2.3", &b);
	gp_guard_auth_failed(g, &b);
	gp_guard_auth_failed(g, &b);
	CHECK_INT(gp_guard_auth_check(g, &b, &retry), GP_TOO_MANY);
	for (int i = 0; i < 3; i++)
		CHECK_INT(gp_guard_write(g, &b, &retry), 0);
	CHECK_INT(gp_guard_write(g, &b, &retry), GP_TOO_MANY);
	gp_guard_free(g);
}

/* The same comment is refused within the window and accepted after it. */
static void test_comment_window(const unsigned char *secret)
{
	gp_guard_options o = opts(24LL * 3600 * 1000);
	gp_guard *g = NULL;
	gp_client a, b;

	test_now = 5000;
	CHECK_INT(gp_guard_new(&g, secret, &o), 0);
	gp_guard_client(g, "192.0.2.1", &a);
	gp_guard_client(g, "192.0.2.2", &b);
	CHECK_INT(gp_guard_repeated_comment(g, &a, "Hallo", 5), 0);
	CHECK_INT(gp_guard_repeated_comment(g, &b, "Hallo", 5), 0); /* per client */
	CHECK_INT(gp_guard_repeated_comment(g, &a, "Hallo!", 6), 0);
	test_now += 600 * 1000 - 1;
	CHECK_INT(gp_guard_repeated_comment(g, &a, "Hallo", 5), 1);
	test_now += 1;
	CHECK_INT(gp_guard_repeated_comment(g, &a, "Hallo", 5), 0);
	/* eight recent comments are remembered; more push out the oldest */
	for (int i = 0; i < 8; i++) {
		char text[16];
		snprintf(text, sizeof(text), "Text %d", i);
		CHECK_INT(gp_guard_repeated_comment(g, &a, text, strlen(text)), 0);
	}
	CHECK_INT(gp_guard_repeated_comment(g, &a, "Text 1", 6), 1);
	CHECK_INT(gp_guard_repeated_comment(g, &a, "Hallo", 5), 0);
	gp_guard_free(g);
}

/*
 * A full client table drops its least recently used quarter: an old client
 * looks new again (its spent burst is back), a recent one is remembered.
 */
static void test_client_eviction(const unsigned char *secret)
{
	gp_guard_options o = opts(24LL * 3600 * 1000);
	gp_client old, recent, c;
	gp_guard *g = NULL;
	int retry;

	o.write_per_minute = 1e-9; /* no refill within this test */
	test_now = 0;
	CHECK_INT(gp_guard_new(&g, secret, &o), 0);
	gp_guard_client(g, "198.51.100.1", &old);
	gp_guard_client(g, "198.51.100.2", &recent);
	for (int i = 0; i < 3; i++)
		CHECK_INT(gp_guard_write(g, &old, &retry), 0);
	CHECK_INT(gp_guard_write(g, &old, &retry), GP_TOO_MANY);
	/* fill the table to its bound, one client per millisecond */
	for (unsigned i = 0; i < CLIENTS_BOUND - 2; i++) {
		test_now = 10 + i;
		client_n(g, i, &c);
		CHECK_INT(gp_guard_write(g, &c, &retry), 0);
	}
	test_now = 1000000;
	for (int i = 0; i < 3; i++)
		CHECK_INT(gp_guard_write(g, &recent, &retry), 0);
	CHECK_INT(gp_guard_write(g, &recent, &retry), GP_TOO_MANY);
	/* newcomers keep arriving: the table stays bounded, the oldest go */
	for (unsigned i = 0; i < CLIENTS_BOUND / 8; i++) {
		test_now = 1000001 + i;
		client_n(g, 100000 + i, &c);
		CHECK_INT(gp_guard_write(g, &c, &retry), 0);
	}
	CHECK_INT(gp_guard_write(g, &old, &retry), 0);               /* forgotten */
	CHECK_INT(gp_guard_write(g, &recent, &retry), GP_TOO_MANY);  /* remembered */
	/* a client of the newest quarter is remembered too: 1 of 3 spent */
	client_n(g, CLIENTS_BOUND - 3, &c);
	for (int i = 0; i < 2; i++)
		CHECK_INT(gp_guard_write(g, &c, &retry), 0);
	CHECK_INT(gp_guard_write(g, &c, &retry), GP_TOO_MANY);
	/* and one of the oldest quarter is forgotten: all 3 back */
	client_n(g, 0, &c);
	for (int i = 0; i < 3; i++)
		CHECK_INT(gp_guard_write(g, &c, &retry), 0);
	gp_guard_free(g);
}

/*
 * +1 and flags once per client, kind and point; a full once-table counts
 * nothing new (it never grows) until the key rotates and clears it.
 */
static void test_once(const unsigned char *secret)
{
	gp_guard_options o = opts(3600 * 1000);
	gp_client a, b, a2;
	gp_guard *g = NULL;
	int counted = 0;

	test_now = 0;
	CHECK_INT(gp_guard_new(&g, secret, &o), 0);
	gp_guard_client(g, "192.0.2.1", &a);
	gp_guard_client(g, "192.0.2.2", &b);
	CHECK_INT(gp_guard_once(g, GP_ONCE_SUPPORT, &a, 7), 1);
	CHECK_INT(gp_guard_once(g, GP_ONCE_SUPPORT, &a, 7), 0);
	CHECK_INT(gp_guard_once(g, GP_ONCE_FLAG, &a, 7), 1); /* a flag is not a +1 */
	CHECK_INT(gp_guard_once(g, GP_ONCE_FLAG, &a, 7), 0);
	CHECK_INT(gp_guard_once(g, GP_ONCE_SUPPORT, &a, 8), 1);
	CHECK_INT(gp_guard_once(g, GP_ONCE_SUPPORT, &b, 7), 1);
	CHECK_INT(gp_guard_once(g, GP_ONCE_FLAG, &b, 8), 1);
	CHECK_INT(gp_guard_once(g, GP_ONCE_SUPPORT, &b, 8), 1);
	/* fill the table: 6 entries so far, then distinct points up to the bound */
	for (int64_t p = 1000; p < 1000 + ONCE_BOUND - 6; p++)
		counted += gp_guard_once(g, GP_ONCE_SUPPORT, &a, p);
	CHECK_INT(counted, ONCE_BOUND - 6);
	CHECK_INT(gp_guard_once(g, GP_ONCE_SUPPORT, &b, 9), 0); /* full: not counted */
	CHECK_INT(gp_guard_once(g, GP_ONCE_FLAG, &b, 9), 0);
	CHECK_INT(gp_guard_once(g, GP_ONCE_SUPPORT, &a, 7), 0); /* still known */
	/* the key rotates after an hour: every client is new, the table empty */
	test_now = 3600 * 1000 - 1;
	gp_guard_client(g, "192.0.2.1", &a2);
	CHECK(a2.id == a.id);
	test_now = 3600 * 1000;
	gp_guard_client(g, "192.0.2.1", &a2);
	CHECK(a2.id != a.id);
	CHECK_INT(gp_guard_once(g, GP_ONCE_SUPPORT, &a2, 7), 1);
	CHECK_INT(gp_guard_once(g, GP_ONCE_SUPPORT, &b, 9), 1);
	gp_guard_free(g);
}

/* open connections per client: a cap, and entries that leave no trace */
static void test_conns(void)
{
	gp_guard_conns *t = NULL;
	gp_client c[6];
	int counted = 0;

	CHECK_INT(gp_guard_conns_new(&t, 16), 0);
	/* ids 1, 1+64, 1+128 … share a home slot (the table has 64), the last does not */
	for (int i = 0; i < 6; i++)
		c[i].id = i < 5 ? 1 + 64 * (uint64_t)i : 2;
	for (int i = 0; i < 6; i++) {
		CHECK_INT(gp_guard_conns_open(t, &c[i], 2, &counted), 0);
		CHECK_INT(counted, 1);
		CHECK_INT(gp_guard_conns_open(t, &c[i], 2, &counted), 0);
		CHECK_INT(gp_guard_conns_open(t, &c[i], 2, &counted), GP_TOO_MANY);
		CHECK_INT(counted, 0);
		CHECK_INT(gp_guard_conns_count(t, &c[i]), 2);
	}
	/* emptying entries in the middle of a probe run keeps the later ones found */
	for (int i = 0; i < 6; i += 2) {
		gp_guard_conns_close(t, &c[i]);
		gp_guard_conns_close(t, &c[i]);
		CHECK_INT(gp_guard_conns_count(t, &c[i]), 0);
	}
	for (int i = 1; i < 6; i += 2)
		CHECK_INT(gp_guard_conns_count(t, &c[i]), 2);
	CHECK_INT(gp_guard_conns_open(t, &c[0], 2, &counted), 0);
	CHECK_INT(gp_guard_conns_count(t, &c[0]), 1);
	/* no cap: nothing is counted, so nothing needs closing */
	CHECK_INT(gp_guard_conns_open(t, &c[1], 0, &counted), 0);
	CHECK_INT(counted, 0);
	CHECK_INT(gp_guard_conns_count(t, &c[1]), 2);
	gp_guard_conns_free(t);
}

int main(void)
{
	unsigned char secret[GP_SECRET_LEN], again[GP_SECRET_LEN];
	char path[] = "/tmp/gp-guard-XXXXXX", token[GP_FORM_TOKEN_MAX];
	char s1[GP_TOKEN_SECRET_MAX], s2[GP_TOKEN_SECRET_MAX];
	unsigned char h1[GP_TOKEN_HASH_LEN], h2[GP_TOKEN_HASH_LEN];
	gp_guard_options o = opts(24LL * 3600 * 1000);
	gp_client a, b, a2;
	gp_guard *g = NULL;
	struct stat st;
	gp_err err;
	int fd = mkstemp(path);

	close(fd);
	unlink(path);
	/* the secret is created once, private, and read back identically */
	CHECK_INT(gp_guard_secret_load(secret, path, 0, &err), GP_NOT_FOUND);
	CHECK_INT(gp_guard_secret_load(secret, path, 1, &err), 0);
	CHECK_INT(stat(path, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0600);
	CHECK_INT(st.st_size, GP_SECRET_LEN);
	CHECK_INT(gp_guard_secret_load(again, path, 1, &err), 0);
	CHECK(memcmp(secret, again, GP_SECRET_LEN) == 0);
	unlink(path);

	test_now = 0;
	CHECK_INT(gp_guard_new(&g, secret, &o), 0);
	gp_guard_client(g, "192.0.2.1", &a);
	gp_guard_client(g, "192.0.2.2", &b);
	gp_guard_client(g, "192.0.2.1", &a2);
	CHECK(a.id == a2.id);
	CHECK(a.id != b.id);
	CHECK_INT(strlen(a.hex), 16);
	CHECK_INT(strspn(a.hex, "0123456789abcdef"), 16); /* only the hash, as hex */

	/* form timestamps: genuine and old enough, or refused */
	gp_guard_form_token(g, token);
	CHECK_INT(gp_guard_form_check(g, token, 0, 60), 0);
	CHECK_INT(gp_guard_form_check(g, token, 5, 60), GP_INVALID); /* too fresh */
	{
		char forged[GP_FORM_TOKEN_MAX];
		snprintf(forged, sizeof(forged), "%s", token);
		forged[strlen(forged) - 1] ^= 1;
		CHECK_INT(gp_guard_form_check(g, forged, 0, 60), GP_INVALID);
		CHECK_INT(gp_guard_form_check(g, "1.abc", 0, 1 << 30), GP_INVALID);
		CHECK_INT(gp_guard_form_check(g, "", 0, 60), GP_INVALID);
		CHECK_INT(gp_guard_form_check(g, NULL, 0, 60), GP_INVALID);
	}
	gp_guard_free(g);

	/* a rotated key forgets every client */
	o = opts(0);
	CHECK_INT(gp_guard_new(&g, secret, &o), 0);
	gp_guard_client(g, "192.0.2.1", &a);
	gp_guard_client(g, "192.0.2.1", &a2);
	CHECK(a.id != a2.id);
	gp_guard_free(g);

	test_write_bucket(secret);
	test_comment_window(secret);
	test_client_eviction(secret);
	test_once(secret);
	test_conns();

	/* staff secrets: random, and hashed under the server secret */
	gp_guard_token_secret(s1);
	gp_guard_token_secret(s2);
	CHECK(strncmp(s1, "gpt_", 4) == 0);
	CHECK_INT(strlen(s1), 47);
	CHECK(strcmp(s1, s2) != 0);
	gp_guard_token_hash(secret, s1, h1);
	gp_guard_token_hash(secret, s1, h2);
	CHECK(memcmp(h1, h2, sizeof(h1)) == 0);
	again[0] ^= 1;
	gp_guard_token_hash(again, s1, h2);
	CHECK(memcmp(h1, h2, sizeof(h1)) != 0);
	CHECK_DONE();
}
