/*
 * db.c — opening a connection, its pragmas, the prepared-statement cache,
 * transactions, the translation of SQLite errors and the storage health.
 *
 * Durability: WAL with synchronous=FULL, so a transaction that returned from
 * COMMIT survives a crash of the process and of the machine.  Callers
 * acknowledge writes only after gp_store_commit() returned 0.
 *
 * Storage faults (a full disk, an I/O error, a file system gone read-only)
 * are neither the client's fault nor a bug: they become GP_STORAGE (503 with
 * Retry-After), SQLite has rolled the transaction back, and the process
 * remembers the fault until a write transaction reaches the disk again.
 * The memory is process-wide because a process serves one database.
 */
#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>

#include "store_int.h" /* sqlite3.h must precede spatialite.h */
#include <spatialite.h>

/* Long enough to outwait an import; short enough to answer 503 in time. */
#define BUSY_TIMEOUT_MS 5000

/*
 * Reads through a shared memory map instead of read() into each
 * connection's own 2 MiB page cache: with 48 connections and a database
 * of hundreds of MiB, a bbox query otherwise spends most of its time
 * copying pages from the kernel.  (SQLite caps this at its compile-time
 * maximum, 2 GiB on Debian; beyond that it reads as before.)
 */
#define MMAP_BYTES "2147418112"

/* The storage fault in force; fault_active is read without the lock. */
static pthread_mutex_t fault_mu = PTHREAD_MUTEX_INITIALIZER;
static atomic_int fault_active;
static gp_store_fault fault;

static void fault_record(gp_store *s, int rc)
{
	int sys = s && s->db ? sqlite3_system_errno(s->db) : 0;
	int first;

	pthread_mutex_lock(&fault_mu);
	first = !atomic_load(&fault_active);
	if (first)
		gp_time_now(fault.since);
	fault.active = 1;
	fault.disk_full = (rc & 0xff) == SQLITE_FULL || sys == ENOSPC || sys == EDQUOT;
	snprintf(fault.reason, sizeof(fault.reason), "%s%s%s%s",
	         s && s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc), sys ? " (" : "",
	         sys ? strerror(sys) : "", sys ? ")" : "");
	atomic_store(&fault_active, 1);
	pthread_mutex_unlock(&fault_mu);
	if (first)
		gp_log_error("storage fault: %s; writes answer 503 until one reaches the disk again",
		             fault.reason);
}

static void fault_clear(void)
{
	pthread_mutex_lock(&fault_mu);
	if (atomic_load(&fault_active)) {
		gp_log_info("storage recovered: a write reached the disk (fault since %s: %s)",
		            fault.since, fault.reason);
		memset(&fault, 0, sizeof(fault));
		atomic_store(&fault_active, 0);
	}
	pthread_mutex_unlock(&fault_mu);
}

void gp_store_fault_get(gp_store_fault *out)
{
	memset(out, 0, sizeof(*out));
	if (!atomic_load(&fault_active))
		return;
	pthread_mutex_lock(&fault_mu);
	*out = fault;
	pthread_mutex_unlock(&fault_mu);
}

int gp_store_free_bytes(const gp_store *s, int64_t *out)
{
	char dir[4096];
	const char *slash = strrchr(s->path, '/');
	struct statvfs v;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s", slash == s->path ? 1 : (int)(slash - s->path),
		         s->path);
	if (statvfs(dir, &v) != 0)
		return GP_EIO;
	*out = (int64_t)v.f_bavail * (int64_t)v.f_frsize;
	return 0;
}

int gp_store_fail(gp_store *s, int rc, const char *file, int line)
{
	int code;

	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return 0;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return GP_BUSY;
	case SQLITE_IOERR:
		if (rc == SQLITE_IOERR_NOMEM) {
			code = GP_ENOMEM;
			break;
		}
		/* fall through */
	case SQLITE_FULL:
	case SQLITE_READONLY: /* the file or its file system became read-only */
	case SQLITE_CANTOPEN: /* e.g. the WAL could not be created */
		fault_record(s, rc);
		code = GP_STORAGE;
		break;
	case SQLITE_NOMEM:
		code = GP_ENOMEM;
		break;
	default:
		code = GP_EFAULT;
		break;
	}
	gp_log_write(GP_LOG_ERROR, file, line, "sqlite: %s (%d)",
	             s && s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc), rc);
	return code;
}

int gp_store_exec(gp_store *s, const char *sql)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : STORE_FAIL(s, rc);
}

/*
 * Once per process, before the first connection: no allocation statistics,
 * which would take a process-wide mutex on every malloc of every thread.
 */
static void configure(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int gp_store_open(gp_store **out, const char *path, int flags, gp_err *err)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	gp_store *s;
	int oflags = SQLITE_OPEN_NOMUTEX;
	int rc;

	pthread_once(&once, configure);
	*out = NULL;
	gp_store_faults_setup(); /* test only, see faults.c; nothing without its variable */
	s = calloc(1, sizeof(*s));
	if (!s)
		return GP_ENOMEM;
	if (!(s->path = strdup(path))) {
		free(s);
		return GP_ENOMEM;
	}
	if (flags & GP_STORE_READONLY)
		oflags |= SQLITE_OPEN_READONLY;
	else
		oflags |= SQLITE_OPEN_READWRITE;
	if (flags & GP_STORE_CREATE)
		oflags |= SQLITE_OPEN_CREATE;
	rc = sqlite3_open_v2(path, &s->db, oflags, NULL);
	if (rc != SQLITE_OK) {
		gp_err_set(err, GP_EIO, "db", "cannot open database %s: %s", path,
		           s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
		gp_store_close(s);
		return GP_EIO;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
	s->spatialite = spatialite_alloc_connection();
	if (!s->spatialite) {
		gp_store_close(s);
		return GP_ENOMEM;
	}
	spatialite_init_ex(s->db, s->spatialite, 0);
	if ((rc = gp_store_grid_register(s))) {
		gp_store_close(s);
		return rc;
	}
	/*
	 * secure_delete: text a planner redacts or deletes must not linger in
	 * freed pages of the file (privacy, not just tidiness).
	 */
	rc = gp_store_exec(s, "PRAGMA foreign_keys = ON;"
	                      "PRAGMA synchronous = FULL;"
	                      "PRAGMA secure_delete = ON;"
	                      "PRAGMA temp_store = MEMORY;"
	                      "PRAGMA mmap_size = " MMAP_BYTES ";");
	if (!rc && !(flags & GP_STORE_READONLY))
		rc = gp_store_exec(s, "PRAGMA journal_mode = WAL;");
	if (!rc) {
		/* Fails early with a clear message when the file is not SQLite. */
		rc = gp_store_exec(s, "SELECT count(*) FROM sqlite_master;");
	}
	if (rc) {
		gp_err_set(err, rc, "db", "cannot use database %s: %s", path,
		           sqlite3_errmsg(s->db));
		gp_store_close(s);
		return rc;
	}
	*out = s;
	return 0;
}

void gp_store_close(gp_store *s)
{
	if (!s)
		return;
	for (int i = 0; i < STMT_CACHE; i++) {
		sqlite3_finalize(s->cache[i].stmt);
		free(s->cache[i].sql);
	}
	if (s->db) {
		/* Closing with open statements would leak the connection. */
		sqlite3_close(s->db);
	}
	if (s->spatialite)
		spatialite_cleanup_ex(s->spatialite);
	store_names_free(s->names);
	free(s->path);
	free(s);
}

const char *gp_store_path(const gp_store *s)
{
	return s->path;
}

sqlite3_stmt *gp_store_stmt(gp_store *s, const char *sql)
{
	cached_stmt *slot = NULL;
	sqlite3_stmt *stmt;
	uint64_t hash = 14695981039346656037u;
	char *copy;
	int rc;

	for (const char *p = sql; *p; p++)
		hash = (hash ^ (unsigned char)*p) * 1099511628211u;
	for (int i = 0; i < STMT_CACHE; i++) {
		cached_stmt *c = &s->cache[i];
		if (c->sql && c->hash == hash && strcmp(c->sql, sql) == 0) {
			/* The reentrancy rule (store_int.h): never while it steps. */
			assert(!sqlite3_stmt_busy(c->stmt));
			c->used = ++s->tick;
			sqlite3_reset(c->stmt);
			sqlite3_clear_bindings(c->stmt);
			return c->stmt;
		}
		/* A statement still stepping belongs to a caller up the stack. */
		if ((!slot || c->used < slot->used) && !(c->stmt && sqlite3_stmt_busy(c->stmt)))
			slot = c;
	}
	if (!slot) {
		gp_log_error("statement cache: all %d statements are stepping", STMT_CACHE);
		return NULL;
	}
	rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
	if (rc != SQLITE_OK) {
		STORE_FAIL(s, rc);
		return NULL;
	}
	if (!(copy = strdup(sql))) {
		sqlite3_finalize(stmt);
		return NULL;
	}
	sqlite3_finalize(slot->stmt);
	free(slot->sql);
	slot->sql = copy;
	slot->hash = hash;
	slot->stmt = stmt;
	slot->used = ++s->tick;
	return stmt;
}

/* Runs a cached statement without results (the transaction verbs are hot). */
static int run_cached(gp_store *s, const char *sql)
{
	sqlite3_stmt *st = gp_store_stmt(s, sql);
	int rc;

	if (!st)
		return GP_EFAULT;
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : STORE_FAIL(s, rc);
}

int gp_store_begin_write(gp_store *s)
{
	s->changes_at_begin = sqlite3_total_changes64(s->db);
	return run_cached(s, "BEGIN IMMEDIATE");
}

int gp_store_commit(gp_store *s)
{
	int wrote = sqlite3_total_changes64(s->db) != s->changes_at_begin;
	int rc = run_cached(s, "COMMIT");

	if (rc)
		gp_store_rollback(s);
	else if (wrote && atomic_load(&fault_active))
		fault_clear(); /* only a transaction that changed rows went to the disk */
	return rc;
}

int gp_store_probe_write(gp_store *s)
{
	/* Rewrites a row as it is: one page to the WAL at COMMIT, nothing changed. */
	return gp_store_exec(s, "UPDATE meta SET value = value WHERE key = 'districts_version'");
}

void gp_store_rollback(gp_store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

int gp_store_read_mapped(gp_store *s, int mapped)
{
	return gp_store_exec(s, mapped ? "PRAGMA mmap_size = " MMAP_BYTES
	                               : "PRAGMA mmap_size = 0");
}

int gp_store_read_begin(gp_store *s)
{
	return run_cached(s, "BEGIN DEFERRED");
}

void gp_store_read_end(gp_store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
}

int gp_store_savepoint(gp_store *s)
{
	return run_cached(s, "SAVEPOINT unit");
}

int gp_store_savepoint_release(gp_store *s)
{
	return run_cached(s, "RELEASE unit");
}

void gp_store_savepoint_rollback(gp_store *s)
{
	sqlite3_exec(s->db, "ROLLBACK TO unit; RELEASE unit", NULL, NULL, NULL);
}

int gp_store_districts_version(gp_store *s, int64_t *out)
{
	sqlite3_stmt *st = gp_store_stmt(s, "SELECT CAST(value AS INTEGER) FROM meta "
	                                    "WHERE key = 'districts_version'");
	int rc;

	if (!st)
		return GP_EFAULT;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		return 0;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? GP_EFAULT : STORE_FAIL(s, rc);
}

int gp_store_districts_version_bump(gp_store *s)
{
	return gp_store_exec(s, "UPDATE meta SET value = CAST(value AS INTEGER) + 1 "
	                        "WHERE key = 'districts_version'");
}
