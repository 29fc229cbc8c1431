/*
 * grid.h — the grid over CRS84 that makes spatial queries fast, defined
 * once: every cell number geopart computes (a point's `cell` column, the
 * cell ranges of a box, paging cursors) comes from these lines.
 *
 * A cell is GRID_STEP° × GRID_STEP° (about 36 m × 55 m in Kaiserslautern):
 *   row = (lat + 90) / GRID_STEP, col = (lon + 180) / GRID_STEP, truncated,
 *   cell = row << GRID_SHIFT | col,
 * so one row of cells is one contiguous range of cell numbers and cell
 * order is row by row, west to east.  The column is written by
 * gp_store_point_insert() and, for rows stored before the grid moved into
 * C, by migration 0005 through the SQL function geopart_cell() that every
 * connection gets (db.c); the schema itself names no formula, so the file
 * stays readable by any SQLite tool.
 *
 * Must never: be restated anywhere else.  Changing it needs a migration
 * that recomputes `cell` and point_cells (as 0005 does).
 */
#ifndef GP_STORE_GRID_H
#define GP_STORE_GRID_H

#include <stdint.h>

#define GRID_STEP 0.0005
#define GRID_SHIFT 20

static inline int64_t grid_row(double lat)
{
	return (int64_t)((lat + 90.0) / GRID_STEP);
}

static inline int64_t grid_col(double lon)
{
	return (int64_t)((lon + 180.0) / GRID_STEP);
}

static inline int64_t grid_cell(int64_t row, int64_t col)
{
	return row << GRID_SHIFT | col;
}

static inline int64_t grid_cell_row(int64_t cell)
{
	return cell >> GRID_SHIFT;
}

static inline int64_t grid_cell_col(int64_t cell)
{
	return cell & (((int64_t)1 << GRID_SHIFT) - 1);
}

#endif
