/*
 * conns.c — how many connections each client holds open right now, so one
 * client cannot take every HTTP thread.
 *
 * Clients are the keyed hashes of guard.c (gp_client.id), never addresses.
 * The table is open addressing with a fixed number of slots: an entry
 * lives exactly as long as its client has a connection open, so the number
 * of entries is bounded by the number of open connections, which the
 * server bounds by its threads.  When the table is full (more distinct
 * clients than slots), a new client is let in uncounted rather than
 * refused: the cap protects against one client, and a full table means
 * many.  Deleting shifts the following entries back (no tombstones), so
 * lookups stay short however long the server runs.
 *
 * A connection is closed with the id it was opened with: after the daily
 * key rotation the same address hashes differently, and its old
 * connections still find their entry.
 */
#include <pthread.h>
#include <stdlib.h>

#include "guard.h"

typedef struct slot {
	uint64_t id; /* 0: empty */
	int open;
} slot;

struct gp_guard_conns {
	pthread_mutex_t mu;
	slot *slots;
	size_t mask; /* slots - 1, a power of two minus one */
	size_t used;
};

int gp_guard_conns_new(gp_guard_conns **out, size_t max_clients)
{
	gp_guard_conns *t;
	size_t n = 64;

	*out = NULL;
	/* at most half full, so probes stay short */
	while (n < 2 * max_clients)
		n *= 2;
	if (!(t = calloc(1, sizeof(*t))))
		return GP_ENOMEM;
	if (!(t->slots = calloc(n, sizeof(*t->slots))) || pthread_mutex_init(&t->mu, NULL)) {
		free(t->slots);
		free(t);
		return GP_ENOMEM;
	}
	t->mask = n - 1;
	*out = t;
	return 0;
}

void gp_guard_conns_free(gp_guard_conns *t)
{
	if (!t)
		return;
	pthread_mutex_destroy(&t->mu);
	free(t->slots);
	free(t);
}

/* The slot holding id, or the empty slot where it would go; call with mu held. */
static size_t find(const gp_guard_conns *t, uint64_t id)
{
	size_t i = (size_t)id & t->mask;

	while (t->slots[i].id && t->slots[i].id != id)
		i = (i + 1) & t->mask;
	return i;
}

int gp_guard_conns_open(gp_guard_conns *t, const gp_client *c, int max, int *out_counted)
{
	size_t i;
	int rc = 0;

	*out_counted = 0;
	if (max <= 0)
		return 0;
	pthread_mutex_lock(&t->mu);
	i = find(t, c->id);
	if (t->slots[i].id) {
		if (t->slots[i].open >= max) {
			rc = GP_TOO_MANY;
		} else {
			t->slots[i].open++;
			*out_counted = 1;
		}
	} else if (t->used < (t->mask + 1) / 2) {
		t->slots[i].id = c->id;
		t->slots[i].open = 1;
		t->used++;
		*out_counted = 1;
	}
	pthread_mutex_unlock(&t->mu);
	return rc;
}

void gp_guard_conns_close(gp_guard_conns *t, const gp_client *c)
{
	size_t i, j;

	pthread_mutex_lock(&t->mu);
	i = find(t, c->id);
	if (t->slots[i].id && --t->slots[i].open == 0) {
		/*
		 * Backward-shift deletion: move each later entry of the probe run
		 * into the hole unless its home slot lies cyclically in (i, j].
		 */
		t->slots[i].id = 0;
		t->used--;
		j = i;
		for (;;) {
			size_t home;
			j = (j + 1) & t->mask;
			if (!t->slots[j].id)
				break;
			home = (size_t)t->slots[j].id & t->mask;
			if (((j - home) & t->mask) >= ((j - i) & t->mask)) {
				t->slots[i] = t->slots[j];
				t->slots[j].id = 0;
				i = j;
			}
		}
	}
	pthread_mutex_unlock(&t->mu);
}

int gp_guard_conns_count(gp_guard_conns *t, const gp_client *c)
{
	size_t i;
	int n;

	pthread_mutex_lock(&t->mu);
	i = find(t, c->id);
	n = t->slots[i].id ? t->slots[i].open : 0;
	pthread_mutex_unlock(&t->mu);
	return n;
}
