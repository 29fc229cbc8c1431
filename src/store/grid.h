/*
 * grid.h — the grid over CRS84 that makes spatial queries fast, defined
 * once: every cell number geopart computes (a point's `cell` column, the
 * cell ranges of a box, paging cursors) comes from these lines.
 *
 * A cell is GP_GRID_STEP° × GP_GRID_STEP° (about 36 m × 55 m here):
 *   row = (lat + 90) / GP_GRID_STEP, col = (lon + 180) / GP_GRID_STEP,
 *   both truncated, cell = row << GP_GRID_SHIFT | col,
 * so one row of cells is one contiguous range of cell numbers and cell
 * order is row by row, west to east.  The column is written by
 * gp_store_point_insert() and, for rows stored before the grid moved into
 * C, by migration 0005 through the SQL function geopart_cell() that every
 * connection gets (db.c); the schema itself names no formula, so the file
 * stays readable by any SQLite tool.
 *
 * The read layer pages its in-memory copy of the positions (read/spatial.c)
 * through these same functions, so both walk a box in the same order.
 *
 * Must never: be restated anywhere else.  Changing it needs a migration
 * that recomputes `cell` and point_cells (as 0005 does).
 */
#ifndef GP_STORE_GRID_H
#define GP_STORE_GRID_H

#include <stdint.h>

#define GP_GRID_STEP 0.0005
#define GP_GRID_SHIFT 20

static inline int64_t gp_store_grid_row(double lat)
{
	return (int64_t)((lat + 90.0) / GP_GRID_STEP);
}

static inline int64_t gp_store_grid_col(double lon)
{
	return (int64_t)((lon + 180.0) / GP_GRID_STEP);
}

static inline int64_t gp_store_grid_cell(int64_t row, int64_t col)
{
	return row << GP_GRID_SHIFT | col;
}

static inline int64_t gp_store_grid_cell_row(int64_t cell)
{
	return cell >> GP_GRID_SHIFT;
}

static inline int64_t gp_store_grid_cell_col(int64_t cell)
{
	return cell & (((int64_t)1 << GP_GRID_SHIFT) - 1);
}

/*
 * The cells a filter's spatial tests cover (store.h): rows r0 … r1 and
 * columns c0 … c1 hold every point the tests admit; with inner, the cells
 * strictly inside the inner box (ir0 … ir1, ic0 … ic1) hold only such
 * points, so they are counted without testing theirs.
 */
typedef struct gp_store_cells {
	int64_t r0, r1, c0, c1;
	int inner;
	int64_t ir0, ir1, ic0, ic1;
} gp_store_cells;

struct gp_point_filter;
/* Returns 1 and fills out when f can use the grid (a box and one status). */
int gp_store_grid_cells(const struct gp_point_filter *f, gp_store_cells *out);

#endif
