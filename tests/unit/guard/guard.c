/*
 * Unit tests for guard/: client hashes, buckets, once-sets, repeated
 * comments, open connections per client, form timestamps, staff token
 * secrets and the server secret file.
 */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../check.h"
#include "guard/guard.h"

static gp_guard_options opts(int64_t rotate_ms)
{
	return (gp_guard_options){ .write_burst = 3, .write_per_minute = 60, .auth_burst = 2,
		                   .auth_per_minute = 1, .comment_window_s = 600,
		                   .rotate_ms = rotate_ms };
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
	int retry = 0, fd = mkstemp(path);

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

	CHECK_INT(gp_guard_new(&g, secret, &o), 0);
	gp_guard_client(g, "192.0.2.1", &a);
	gp_guard_client(g, "192.0.2.2", &b);
	gp_guard_client(g, "192.0.2.1", &a2);
	CHECK(a.id == a2.id);
	CHECK(a.id != b.id);
	CHECK_INT(strlen(a.hex), 16);
	CHECK_INT(strspn(a.hex, "0123456789abcdef"), 16); /* only the hash, as hex */

	/* three writes at once, the fourth waits, another client is unaffected */
	CHECK_INT(gp_guard_write(g, &a, &retry), 0);
	CHECK_INT(gp_guard_write(g, &a, &retry), 0);
	CHECK_INT(gp_guard_write(g, &a, &retry), 0);
	CHECK_INT(gp_guard_write(g, &a, &retry), GP_TOO_MANY);
	CHECK(retry >= 1 && retry <= 2);
	CHECK_INT(gp_guard_write(g, &b, &retry), 0);

	/* failed logins: checking does not consume, failing does */
	CHECK_INT(gp_guard_auth_check(g, &a, &retry), 0);
	gp_guard_auth_failed(g, &a);
	gp_guard_auth_failed(g, &a);
	CHECK_INT(gp_guard_auth_check(g, &a, &retry), GP_TOO_MANY);
	CHECK(retry >= 30);

	/* once per client, per kind, per point */
	CHECK_INT(gp_guard_once(g, GP_ONCE_SUPPORT, &a, 7), 1);
	CHECK_INT(gp_guard_once(g, GP_ONCE_SUPPORT, &a, 7), 0);
	CHECK_INT(gp_guard_once(g, GP_ONCE_FLAG, &a, 7), 1);
	CHECK_INT(gp_guard_once(g, GP_ONCE_SUPPORT, &a, 8), 1);
	CHECK_INT(gp_guard_once(g, GP_ONCE_SUPPORT, &b, 7), 1);

	CHECK_INT(gp_guard_repeated_comment(g, &a, "Hallo", 5), 0);
	CHECK_INT(gp_guard_repeated_comment(g, &a, "Hallo", 5), 1);
	CHECK_INT(gp_guard_repeated_comment(g, &b, "Hallo", 5), 0);
	CHECK_INT(gp_guard_repeated_comment(g, &a, "Hallo!", 6), 0);

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

	/* open connections per client: a cap, and entries that leave no trace */
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
