-- 0004: a grid over CRS84 for exact bounding-box queries and counts that
-- stay fast with a million points.
--
-- Why not the SpatiaLite R*Tree alone: it finds candidates, but every
-- candidate then costs a random read of its (wide) row to check status and
-- exact coordinates, and a count of a city viewport touches thousands.
--
-- `cell` numbers a 0.0005° × 0.0005° cell (about 36 m × 55 m here):
--   row = (lat + 90) / 0.0005, col = (lon + 180) / 0.0005, both truncated,
--   cell = row << 20 | col
-- so one row of cells is one contiguous range of cell numbers.  The same
-- formula is in src/store/point.c (GRID_*); they must change together.
--
-- points_grid holds, per status and cell, everything an exact spatial test
-- needs (ordered by id inside a cell), so candidates are read from the
-- index alone.  point_cells counts points per status, cell and category,
-- kept by triggers, so cells lying wholly inside a box are counted without
-- looking at their points; point_totals does the same for everything, so
-- an unfiltered numberMatched does not count a million index entries.

ALTER TABLE points ADD COLUMN cell INTEGER GENERATED ALWAYS AS
    ((CAST((lat + 90.0) / 0.0005 AS INTEGER) << 20) |
      CAST((lon + 180.0) / 0.0005 AS INTEGER)) VIRTUAL;

CREATE INDEX points_grid ON points (status, cell, id, category, lon, lat, x, y);

CREATE TABLE point_cells (
    status      TEXT NOT NULL,
    cell        INTEGER NOT NULL,
    favourite   INTEGER NOT NULL DEFAULT 0 CHECK (favourite >= 0),
    improvement INTEGER NOT NULL DEFAULT 0 CHECK (improvement >= 0),
    PRIMARY KEY (status, cell)
) WITHOUT ROWID;

INSERT INTO point_cells (status, cell, favourite, improvement)
    SELECT status, cell, sum(category = 'favourite'), sum(category = 'improvement')
    FROM points GROUP BY status, cell;

CREATE TABLE point_totals (
    status   TEXT NOT NULL,
    category TEXT NOT NULL,
    n        INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (status, category)
) WITHOUT ROWID;

INSERT INTO point_totals (status, category, n)
    SELECT s.status, c.category, (SELECT count(*) FROM points p
                                   WHERE p.status = s.status AND p.category = c.category)
    FROM (SELECT 'pending' AS status UNION ALL SELECT 'published' UNION ALL SELECT 'hidden') s,
         (SELECT 'favourite' AS category UNION ALL SELECT 'improvement') c;

CREATE TRIGGER points_cells_insert AFTER INSERT ON points BEGIN
    UPDATE point_totals SET n = n + 1 WHERE status = NEW.status AND category = NEW.category;
    INSERT INTO point_cells (status, cell, favourite, improvement)
        VALUES (NEW.status, NEW.cell, NEW.category = 'favourite',
                NEW.category = 'improvement')
        ON CONFLICT (status, cell) DO UPDATE SET
            favourite = favourite + excluded.favourite,
            improvement = improvement + excluded.improvement;
END;

CREATE TRIGGER points_cells_delete AFTER DELETE ON points BEGIN
    UPDATE point_totals SET n = n - 1 WHERE status = OLD.status AND category = OLD.category;
    UPDATE point_cells SET
        favourite = favourite - (OLD.category = 'favourite'),
        improvement = improvement - (OLD.category = 'improvement')
        WHERE status = OLD.status AND cell = OLD.cell;
END;

CREATE TRIGGER points_cells_update AFTER UPDATE OF status, category, lon, lat ON points
BEGIN
    UPDATE point_totals SET n = n - 1 WHERE status = OLD.status AND category = OLD.category;
    UPDATE point_totals SET n = n + 1 WHERE status = NEW.status AND category = NEW.category;
    UPDATE point_cells SET
        favourite = favourite - (OLD.category = 'favourite'),
        improvement = improvement - (OLD.category = 'improvement')
        WHERE status = OLD.status AND cell = OLD.cell;
    INSERT INTO point_cells (status, cell, favourite, improvement)
        VALUES (NEW.status, NEW.cell, NEW.category = 'favourite',
                NEW.category = 'improvement')
        ON CONFLICT (status, cell) DO UPDATE SET
            favourite = favourite + excluded.favourite,
            improvement = improvement + excluded.improvement;
END;
