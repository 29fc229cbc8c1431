/*
 * faults.c — TEST ONLY: a SQLite VFS shim that makes the disk fail on
 * demand, so the tests can see what the server does when a COMMIT or its
 * fsync fails (answer 5xx, keep nothing) — something no crash test can
 * show, since a killed process leaves the kernel's page cache intact.
 *
 * It is off unless the environment variable GEOPART_TEST_FAULTS names a
 * trigger file by its absolute path; geopart's settings (file, flags,
 * GEOPART_* settings variables) cannot turn it on, and a server that has it
 * on says so in its log at every start.  While the trigger file exists, its
 * first word chooses the fault for every connection of the process:
 *
 *   fsync   every xSync fails with SQLITE_IOERR_FSYNC (the COMMIT of a
 *           WAL transaction with synchronous=FULL syncs the WAL file)
 *   write   every write to a WAL file fails with SQLITE_IOERR_WRITE
 *   full    every write to a WAL file fails with SQLITE_FULL (disk full)
 *
 * A second word, an absolute path, narrows the fault to the files whose
 * names begin with it and widens it to every write of theirs, WAL or not:
 * "full /srv/spill/" is a full disk under /srv/spill, where an export
 * writes its GeoPackage, while the database's own disk works on.
 *
 * Removing the file heals the disk.  The unit tests use this shim too
 * (tests/unit/store/storage.c), setting the variable for their own
 * process.  Without the variable nothing here runs: no VFS is registered
 * and SQLite's own default stays in place.
 *
 * Must never: be enabled by anything but that variable, or change what a
 * file holds — it only refuses operations, it never writes itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store_int.h"

#define FAULTS_ENV "GEOPART_TEST_FAULTS"

typedef enum fault { FAULT_NONE, FAULT_FSYNC, FAULT_WRITE, FAULT_FULL } fault;

typedef struct shim_file {
	sqlite3_file base;
	sqlite3_file *real; /* follows this struct in the same allocation */
	int wal;
	const char *name; /* SQLite keeps it until the file is closed; NULL for temporary files */
} shim_file;

static sqlite3_vfs shim_vfs;
static sqlite3_vfs *real_vfs;
static const char *trigger_path;
static pthread_once_t setup_once = PTHREAD_ONCE_INIT;

/*
 * Reads the trigger file on every call: the test switches faults at will.
 * Whether the fault applies to file f: those under its path, or without
 * one the WAL files (wal_only) or every file.
 */
static fault current_fault(const shim_file *f, int wal_only)
{
	char text[16 + PATH_MAX] = { 0 }, *path;
	fault x = FAULT_NONE;
	ssize_t n;
	int fd = open(trigger_path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return FAULT_NONE;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return FAULT_NONE;
	if (strncmp(text, "fsync", 5) == 0)
		x = FAULT_FSYNC;
	else if (strncmp(text, "write", 5) == 0)
		x = FAULT_WRITE;
	else if (strncmp(text, "full", 4) == 0)
		x = FAULT_FULL;
	path = strchr(text, '/');
	if (path && path > text && (path[-1] == ' ' || path[-1] == '\t')) {
		path[strcspn(path, " \t\r\n")] = '\0';
		return f->name && strncmp(f->name, path, strlen(path)) == 0 ? x : FAULT_NONE;
	}
	return !wal_only || f->wal ? x : FAULT_NONE;
}

#define REAL(f) (((shim_file *)(f))->real)

static int shim_close(sqlite3_file *f)
{
	return REAL(f)->pMethods->xClose(REAL(f));
}

static int shim_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
	return REAL(f)->pMethods->xRead(REAL(f), buf, n, off);
}

static int shim_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	fault x = current_fault((shim_file *)f, 1);

	if (x == FAULT_WRITE)
		return SQLITE_IOERR_WRITE;
	if (x == FAULT_FULL)
		return SQLITE_FULL;
	return REAL(f)->pMethods->xWrite(REAL(f), buf, n, off);
}

static int shim_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return REAL(f)->pMethods->xTruncate(REAL(f), size);
}

static int shim_sync(sqlite3_file *f, int flags)
{
	if (current_fault((shim_file *)f, 0) == FAULT_FSYNC)
		return SQLITE_IOERR_FSYNC;
	return REAL(f)->pMethods->xSync(REAL(f), flags);
}

static int shim_file_size(sqlite3_file *f, sqlite3_int64 *out)
{
	return REAL(f)->pMethods->xFileSize(REAL(f), out);
}

static int shim_lock(sqlite3_file *f, int level)
{
	return REAL(f)->pMethods->xLock(REAL(f), level);
}

static int shim_unlock(sqlite3_file *f, int level)
{
	return REAL(f)->pMethods->xUnlock(REAL(f), level);
}

static int shim_check_reserved(sqlite3_file *f, int *out)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int shim_file_control(sqlite3_file *f, int op, void *arg)
{
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int shim_sector_size(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int shim_device_characteristics(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int shim_shm_map(sqlite3_file *f, int region, int size, int extend, void volatile **out)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), region, size, extend, out);
}

static int shim_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), offset, n, flags);
}

static void shim_shm_barrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int shim_shm_unmap(sqlite3_file *f, int delete_flag)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), delete_flag);
}

static int shim_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **out)
{
	return REAL(f)->pMethods->xFetch(REAL(f), off, n, out);
}

static int shim_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	return REAL(f)->pMethods->xUnfetch(REAL(f), off, p);
}

static const sqlite3_io_methods shim_methods = {
	.iVersion = 3,
	.xClose = shim_close,
	.xRead = shim_read,
	.xWrite = shim_write,
	.xTruncate = shim_truncate,
	.xSync = shim_sync,
	.xFileSize = shim_file_size,
	.xLock = shim_lock,
	.xUnlock = shim_unlock,
	.xCheckReservedLock = shim_check_reserved,
	.xFileControl = shim_file_control,
	.xSectorSize = shim_sector_size,
	.xDeviceCharacteristics = shim_device_characteristics,
	.xShmMap = shim_shm_map,
	.xShmLock = shim_shm_lock,
	.xShmBarrier = shim_shm_barrier,
	.xShmUnmap = shim_shm_unmap,
	.xFetch = shim_fetch,
	.xUnfetch = shim_unfetch,
};

static int shim_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags,
                     int *out_flags)
{
	shim_file *sf = (shim_file *)f;
	int rc;

	(void)vfs;
	sf->real = (sqlite3_file *)(sf + 1);
	sf->wal = (flags & SQLITE_OPEN_WAL) != 0;
	sf->name = name;
	rc = real_vfs->xOpen(real_vfs, name, sf->real, flags, out_flags);
	/* Only a file the real VFS opened gets methods, so only it is closed. */
	sf->base.pMethods = rc == SQLITE_OK && sf->real->pMethods ? &shim_methods : NULL;
	return rc;
}

static void setup(void)
{
	const char *path = getenv(FAULTS_ENV);

	if (!path || path[0] != '/')
		return;
	if (!(real_vfs = sqlite3_vfs_find(NULL)))
		return;
	/*
	 * The unix VFS's methods may read their own vfs's pAppData, so the
	 * shim copies every member and replaces only what it must.
	 */
	shim_vfs = *real_vfs;
	shim_vfs.iVersion = real_vfs->iVersion;
	shim_vfs.szOsFile = (int)sizeof(shim_file) + real_vfs->szOsFile;
	shim_vfs.zName = "geopart-test-faults";
	shim_vfs.pNext = NULL;
	shim_vfs.xOpen = shim_open;
	if (sqlite3_vfs_register(&shim_vfs, 1) != SQLITE_OK)
		return;
	trigger_path = path;
	gp_log_warn("TEST ONLY: disk faults are injected while %s exists (%s is set); "
	            "never run a real service like this", path, FAULTS_ENV);
}

void gp_store_faults_setup(void)
{
	pthread_once(&setup_once, setup);
}
