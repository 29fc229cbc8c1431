/*
 * Unit tests for store/'s storage faults: a write that the disk refuses
 * (I/O error, disk full) becomes GP_STORAGE with nothing of the transaction
 * kept, the process remembers the fault while reads go on, and only a write
 * that reaches the disk again ends it.
 *
 * The faults come from store/'s own test-only shim (src/store/faults.c),
 * the one the integration tests switch too: GEOPART_TEST_FAULTS names a
 * trigger file whose word makes writes to the WAL fail with the code
 * SQLite's unix VFS returns when write() fails with EIO ("write") or
 * ENOSPC ("full").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../check.h"
#include "store/store.h"

static char trigger[64];

/* Switches the disk's fault: "write", "full", or NULL for none. */
static void disk_fault(const char *word)
{
	FILE *f;

	if (!word) {
		unlink(trigger);
		return;
	}
	f = fopen(trigger, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(word, f);
		fclose(f);
	}
}

static int changes_committed(gp_store *s, int64_t *version)
{
	int rc;

	if ((rc = gp_store_begin_write(s)))
		return rc;
	if ((rc = gp_store_districts_version_bump(s))) {
		gp_store_rollback(s);
		return rc;
	}
	if ((rc = gp_store_commit(s)))
		return rc;
	return gp_store_districts_version(s, version);
}

int main(void)
{
	char path[] = "/tmp/gp-store-fault-XXXXXX";
	int fd = mkstemp(path);
	char wal[64], shm[64];
	gp_store *s = NULL;
	gp_store_fault fault;
	gp_err err;
	int64_t version = -1, after = -1, free_bytes = -1;

	/* before the first store is opened, which sets the shim up */
	snprintf(trigger, sizeof(trigger), "%s.fault", path);
	setenv("GEOPART_TEST_FAULTS", trigger, 1);
	close(fd);
	unlink(path);
	CHECK_INT(gp_store_open(&s, path, GP_STORE_CREATE, &err), 0);
	if (!s)
		CHECK_DONE();
	CHECK_INT(gp_store_migrate(s, &err), 0);
	gp_store_fault_get(&fault);
	CHECK_INT(fault.active, 0);
	CHECK_INT(gp_store_free_bytes(s, &free_bytes), 0);
	CHECK(free_bytes > 0);

	CHECK_INT(changes_committed(s, &version), 0);
	CHECK_INT(version, 1);

	/* An I/O error at COMMIT: 503 material, and the change is gone. */
	disk_fault("write");
	CHECK_INT(changes_committed(s, &after), GP_STORAGE);
	gp_store_fault_get(&fault);
	CHECK_INT(fault.active, 1);
	CHECK_INT(fault.disk_full, 0);
	CHECK(strstr(fault.reason, "disk I/O error") != NULL);
	CHECK_INT(strlen(fault.since), 24);
	CHECK_INT(gp_store_districts_version(s, &after), 0); /* reads go on */
	CHECK_INT(after, 1);

	/* The disk works again, but a transaction that wrote nothing proves nothing. */
	disk_fault(NULL);
	CHECK_INT(gp_store_begin_write(s), 0);
	CHECK_INT(gp_store_commit(s), 0);
	gp_store_fault_get(&fault);
	CHECK_INT(fault.active, 1);
	/* The probe changes nothing a reader sees, and its commit ends the fault. */
	CHECK_INT(gp_store_begin_write(s), 0);
	CHECK_INT(gp_store_probe_write(s), 0);
	CHECK_INT(gp_store_commit(s), 0);
	gp_store_fault_get(&fault);
	CHECK_INT(fault.active, 0);
	CHECK_INT(gp_store_districts_version(s, &after), 0);
	CHECK_INT(after, 1);

	/* A full disk is told apart, and so is its end by an ordinary write. */
	disk_fault("full");
	CHECK_INT(changes_committed(s, &after), GP_STORAGE);
	gp_store_fault_get(&fault);
	CHECK_INT(fault.active, 1);
	CHECK_INT(fault.disk_full, 1);
	CHECK(strstr(fault.reason, "full") != NULL);
	disk_fault(NULL);
	CHECK_INT(changes_committed(s, &after), 0);
	CHECK_INT(after, 2);
	gp_store_fault_get(&fault);
	CHECK_INT(fault.active, 0);

	gp_store_close(s);
	snprintf(wal, sizeof(wal), "%s-wal", path);
	snprintf(shm, sizeof(shm), "%s-shm", path);
	unlink(path);
	unlink(wal);
	unlink(shm);
	unlink(trigger);
	CHECK_DONE();
}
