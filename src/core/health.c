/*
 * health.c — whether the database can be written, for /healthz.
 *
 * A storage fault (store/db.c) is remembered until a write reaches the disk
 * again.  Citizens' points end a fault by themselves once space returns;
 * this file lets an idle server find out too, so a health check never stays
 * "degraded" only because nobody tried to write.
 *
 * Must never: write anything a reader could notice (the probe rewrites one
 * row as it was), or probe a full disk (a probe could land in WAL space an
 * earlier, failed transaction already claimed, and report success while a
 * real point would still not fit).
 */
#include "core_int.h"

/* Room that makes a probe of a disk that was full worth it. */
#define PROBE_MIN_FREE_BYTES (1 << 20)

int gp_core_storage_health(gp_worker *w, gp_store_fault *out)
{
	int64_t free_bytes = 0;

	gp_store_fault_get(out);
	if (!out->active)
		return 0;
	if (out->disk_full && (gp_store_free_bytes(w->store, &free_bytes) != 0 ||
	                       free_bytes < PROBE_MIN_FREE_BYTES))
		return GP_STORAGE;
	/* A commit that changed a row ends the fault itself (store/db.c). */
	if (gp_core_write_begin(w) == 0)
		gp_core_write_end(w, gp_store_probe_write(w->store));
	gp_store_fault_get(out);
	return out->active ? GP_STORAGE : 0;
}
