/*
 * Unit tests for store/'s storage faults: a write that the disk refuses
 * (I/O error, disk full) becomes GP_STORAGE with nothing of the transaction
 * kept, the process remembers the fault while reads go on, and only a write
 * that reaches the disk again ends it.
 *
 * The faults come from a VFS shim registered as SQLite's default, which
 * fails writes to the WAL with the code the test chooses — what SQLite's
 * own unix VFS returns when write() fails with EIO or ENOSPC.
 */
#include <stdlib.h>
#include <unistd.h>

#include <sqlite3.h>

#include "../check.h"
#include "store/store.h"

static sqlite3_vfs shim, *real;
static int fail_wal_writes; /* the SQLite code WAL writes fail with; 0: none */

typedef struct shim_file {
	sqlite3_file base;
	const struct sqlite3_io_methods *methods; /* the real file's */
	int wal;
	/* the real VFS's file follows */
} shim_file;

static sqlite3_file *inner(sqlite3_file *f)
{
	return (sqlite3_file *)((shim_file *)f + 1);
}

static int shim_close(sqlite3_file *f)
{
	return inner(f)->pMethods->xClose(inner(f));
}

static int shim_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
	return inner(f)->pMethods->xRead(inner(f), buf, n, off);
}

static int shim_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	if (((shim_file *)f)->wal && fail_wal_writes)
		return fail_wal_writes;
	return inner(f)->pMethods->xWrite(inner(f), buf, n, off);
}

static int shim_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return inner(f)->pMethods->xTruncate(inner(f), size);
}

static int shim_sync(sqlite3_file *f, int flags)
{
	return inner(f)->pMethods->xSync(inner(f), flags);
}

static int shim_size(sqlite3_file *f, sqlite3_int64 *out)
{
	return inner(f)->pMethods->xFileSize(inner(f), out);
}

static int shim_lock(sqlite3_file *f, int l)
{
	return inner(f)->pMethods->xLock(inner(f), l);
}

static int shim_unlock(sqlite3_file *f, int l)
{
	return inner(f)->pMethods->xUnlock(inner(f), l);
}

static int shim_reserved(sqlite3_file *f, int *out)
{
	return inner(f)->pMethods->xCheckReservedLock(inner(f), out);
}

static int shim_control(sqlite3_file *f, int op, void *arg)
{
	return inner(f)->pMethods->xFileControl(inner(f), op, arg);
}

static int shim_sector(sqlite3_file *f)
{
	return inner(f)->pMethods->xSectorSize(inner(f));
}

static int shim_caps(sqlite3_file *f)
{
	return inner(f)->pMethods->xDeviceCharacteristics(inner(f));
}

static int shim_shm_map(sqlite3_file *f, int pg, int sz, int extend, void volatile **out)
{
	return inner(f)->pMethods->xShmMap(inner(f), pg, sz, extend, out);
}

static int shim_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
	return inner(f)->pMethods->xShmLock(inner(f), offset, n, flags);
}

static void shim_shm_barrier(sqlite3_file *f)
{
	inner(f)->pMethods->xShmBarrier(inner(f));
}

static int shim_shm_unmap(sqlite3_file *f, int del)
{
	return inner(f)->pMethods->xShmUnmap(inner(f), del);
}

static int shim_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **out)
{
	return inner(f)->pMethods->xFetch(inner(f), off, n, out);
}

static int shim_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	return inner(f)->pMethods->xUnfetch(inner(f), off, p);
}

static const sqlite3_io_methods shim_methods = {
	3, shim_close, shim_read, shim_write, shim_truncate, shim_sync, shim_size,
	shim_lock, shim_unlock, shim_reserved, shim_control, shim_sector, shim_caps,
	shim_shm_map, shim_shm_lock, shim_shm_barrier, shim_shm_unmap, shim_fetch,
	shim_unfetch,
};

static int shim_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags,
                     int *out_flags)
{
	shim_file *sf = (shim_file *)f;
	int rc;

	(void)vfs;
	memset(sf, 0, sizeof(*sf));
	rc = real->xOpen(real, name, inner(f), flags, out_flags);
	if (rc != SQLITE_OK)
		return rc;
	sf->wal = (flags & SQLITE_OPEN_WAL) != 0;
	sf->base.pMethods = &shim_methods;
	return SQLITE_OK;
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

	real = sqlite3_vfs_find(NULL);
	shim = *real;
	shim.zName = "geopart-test-faults";
	shim.szOsFile = (int)sizeof(shim_file) + real->szOsFile;
	shim.xOpen = shim_open;
	CHECK_INT(sqlite3_vfs_register(&shim, 1), SQLITE_OK);

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
	fail_wal_writes = SQLITE_IOERR_WRITE;
	CHECK_INT(changes_committed(s, &after), GP_STORAGE);
	gp_store_fault_get(&fault);
	CHECK_INT(fault.active, 1);
	CHECK_INT(fault.disk_full, 0);
	CHECK(strstr(fault.reason, "disk I/O error") != NULL);
	CHECK_INT(strlen(fault.since), 24);
	CHECK_INT(gp_store_districts_version(s, &after), 0); /* reads go on */
	CHECK_INT(after, 1);

	/* The disk works again, but a transaction that wrote nothing proves nothing. */
	fail_wal_writes = 0;
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
	fail_wal_writes = SQLITE_FULL;
	CHECK_INT(changes_committed(s, &after), GP_STORAGE);
	gp_store_fault_get(&fault);
	CHECK_INT(fault.active, 1);
	CHECK_INT(fault.disk_full, 1);
	CHECK(strstr(fault.reason, "full") != NULL);
	fail_wal_writes = 0;
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
	/* The shim stays registered: PROJ's own database may close through it at exit. */
	CHECK_DONE();
}
