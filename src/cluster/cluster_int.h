/*
 * cluster_int.h — what the files of cluster/ share and nobody else may see.
 */
#ifndef GP_CLUSTER_INT_H
#define GP_CLUSTER_INT_H

#include "cluster.h"

/*
 * Makes room for `need` elements of `size` bytes in *p (capacity *cap),
 * doubling from `first`; the contents are kept.  Returns 0 or GP_ENOMEM
 * (then *p and *cap are unchanged).
 */
int gp_cluster_grow(void *p, size_t *cap, size_t need, size_t size, size_t first);

#endif
