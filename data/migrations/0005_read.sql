-- 0005: what the read layer (src/read/) plans with, so that every read stays
-- fast with a million points: counts kept as points change, indexes that
-- hand out ids in order for each filter, and the grid defined in C.
--
-- The grid: `cell` becomes a plain column written by geopart itself
-- (src/store/grid.h is its only definition); geopart_cell() exists on
-- geopart's connections only, and only this migration calls it.  The
-- triggers of 0004 name `cell`, so they go first and come back below,
-- together with the new counts.
--
-- Counts (all per status, so the read layer chooses which statuses a
-- caller sees; '' stands for a missing topic or district):
--   point_counts  per Ortsbezirk × Stadtteil × category × topic × channel:
--                 /api/stats, district counts and every numberMatched
--                 without a box, without counting rows;
--   point_days    the same per UTC day of creation: periods are counted
--                 from whole days plus the points of the partial days at
--                 their ends;
--   point_day_totals  per day alone, with the lowest and highest id seen
--                 that day (a range that holds the day's points): how much
--                 a period holds, and where in the table it lies;
--   point_blocks  per block of 1024 ids, category and channel: an offset
--                 deep into a listing is found by adding blocks, not by
--                 stepping over rows.
-- Rows whose count fell to 0 stay; readers sum them away.
--
-- point_version counts the changes to where points are and which status
-- and category they have: a copy of the positions made at one version
-- (read/spatial.c) answers exactly what the table does while it holds.

DROP TRIGGER IF EXISTS points_cells_insert;
DROP TRIGGER IF EXISTS points_cells_delete;
DROP TRIGGER IF EXISTS points_cells_update;
DROP INDEX IF EXISTS points_grid;
ALTER TABLE points DROP COLUMN cell;
ALTER TABLE points ADD COLUMN cell INTEGER;
UPDATE points SET cell = geopart_cell(lon, lat);

-- The grid index now also holds every filter's column, so a box with a
-- topic, channel, district or period is counted without reading rows.
CREATE INDEX points_grid ON points (status, cell, id, category, lon, lat, x, y, channel,
                                    topic, ortsbezirk_id, stadtteil_id, created);

DELETE FROM point_cells;
INSERT INTO point_cells (status, cell, favourite, improvement)
    SELECT status, cell, sum(category = 'favourite'), sum(category = 'improvement')
    FROM points GROUP BY status, cell;

-- Ids in order for each equality filter (SQLite keeps the rowid last in
-- every index entry), so a page of a district, topic or channel is read
-- without sorting; the creation index also covers every other filter.
DROP INDEX IF EXISTS points_ortsbezirk;
DROP INDEX IF EXISTS points_stadtteil;
DROP INDEX IF EXISTS points_status_created;
CREATE INDEX points_ortsbezirk ON points (ortsbezirk_id, status);
CREATE INDEX points_stadtteil ON points (stadtteil_id, status);
CREATE INDEX points_topic ON points (topic, status);
CREATE INDEX points_created ON points (status, created, category, channel, topic,
                                       ortsbezirk_id, stadtteil_id);
-- The extent of a status from the ends of two indexes.
CREATE INDEX points_lon ON points (status, lon);
CREATE INDEX points_lat ON points (status, lat);

CREATE TABLE point_counts (
    status        TEXT NOT NULL,
    ortsbezirk_id TEXT NOT NULL,
    stadtteil_id  TEXT NOT NULL,
    category      TEXT NOT NULL,
    topic         TEXT NOT NULL,
    channel       TEXT NOT NULL,
    n             INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (status, ortsbezirk_id, stadtteil_id, category, topic, channel)
) WITHOUT ROWID;

INSERT INTO point_counts
    SELECT status, coalesce(ortsbezirk_id, ''), coalesce(stadtteil_id, ''), category,
           coalesce(topic, ''), channel, count(*)
    FROM points GROUP BY 1, 2, 3, 4, 5, 6;

CREATE TABLE point_days (
    status        TEXT NOT NULL,
    day           TEXT NOT NULL, -- YYYY-MM-DD of created (UTC)
    ortsbezirk_id TEXT NOT NULL,
    stadtteil_id  TEXT NOT NULL,
    category      TEXT NOT NULL,
    topic         TEXT NOT NULL,
    channel       TEXT NOT NULL,
    n             INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (status, day, ortsbezirk_id, stadtteil_id, category, topic, channel)
) WITHOUT ROWID;

INSERT INTO point_days
    SELECT status, substr(created, 1, 10), coalesce(ortsbezirk_id, ''),
           coalesce(stadtteil_id, ''), category, coalesce(topic, ''), channel, count(*)
    FROM points GROUP BY 1, 2, 3, 4, 5, 6, 7;

CREATE TABLE point_day_totals (
    status TEXT NOT NULL,
    day    TEXT NOT NULL,
    n      INTEGER NOT NULL CHECK (n >= 0),
    min_id INTEGER NOT NULL,
    max_id INTEGER NOT NULL,
    PRIMARY KEY (status, day)
) WITHOUT ROWID;

INSERT INTO point_day_totals
    SELECT status, substr(created, 1, 10), count(*), min(id), max(id)
    FROM points GROUP BY 1, 2;

CREATE TABLE point_blocks (
    status   TEXT NOT NULL,
    block    INTEGER NOT NULL, -- id >> 10
    category TEXT NOT NULL,
    channel  TEXT NOT NULL,
    n        INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (status, block, category, channel)
) WITHOUT ROWID;

INSERT INTO point_blocks
    SELECT status, id >> 10, category, channel, count(*) FROM points GROUP BY 1, 2, 3, 4;

CREATE TABLE point_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    v  INTEGER NOT NULL
);
INSERT INTO point_version (id, v) VALUES (1, 0);

CREATE TRIGGER points_counts_insert AFTER INSERT ON points BEGIN
    UPDATE point_version SET v = v + 1;
    UPDATE point_totals SET n = n + 1 WHERE status = NEW.status AND category = NEW.category;
    INSERT INTO point_cells (status, cell, favourite, improvement)
        VALUES (NEW.status, NEW.cell, NEW.category = 'favourite',
                NEW.category = 'improvement')
        ON CONFLICT (status, cell) DO UPDATE SET
            favourite = favourite + excluded.favourite,
            improvement = improvement + excluded.improvement;
    INSERT INTO point_counts VALUES (NEW.status, coalesce(NEW.ortsbezirk_id, ''),
            coalesce(NEW.stadtteil_id, ''), NEW.category, coalesce(NEW.topic, ''),
            NEW.channel, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO point_days VALUES (NEW.status, substr(NEW.created, 1, 10),
            coalesce(NEW.ortsbezirk_id, ''), coalesce(NEW.stadtteil_id, ''), NEW.category,
            coalesce(NEW.topic, ''), NEW.channel, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO point_day_totals VALUES (NEW.status, substr(NEW.created, 1, 10), 1, NEW.id,
            NEW.id)
        ON CONFLICT DO UPDATE SET n = n + 1, min_id = min(min_id, excluded.min_id),
            max_id = max(max_id, excluded.max_id);
    INSERT INTO point_blocks VALUES (NEW.status, NEW.id >> 10, NEW.category, NEW.channel, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER points_counts_delete AFTER DELETE ON points BEGIN
    UPDATE point_version SET v = v + 1;
    UPDATE point_totals SET n = n - 1 WHERE status = OLD.status AND category = OLD.category;
    UPDATE point_cells SET
        favourite = favourite - (OLD.category = 'favourite'),
        improvement = improvement - (OLD.category = 'improvement')
        WHERE status = OLD.status AND cell = OLD.cell;
    UPDATE point_counts SET n = n - 1 WHERE status = OLD.status
        AND ortsbezirk_id = coalesce(OLD.ortsbezirk_id, '')
        AND stadtteil_id = coalesce(OLD.stadtteil_id, '') AND category = OLD.category
        AND topic = coalesce(OLD.topic, '') AND channel = OLD.channel;
    UPDATE point_days SET n = n - 1 WHERE status = OLD.status
        AND day = substr(OLD.created, 1, 10)
        AND ortsbezirk_id = coalesce(OLD.ortsbezirk_id, '')
        AND stadtteil_id = coalesce(OLD.stadtteil_id, '') AND category = OLD.category
        AND topic = coalesce(OLD.topic, '') AND channel = OLD.channel;
    UPDATE point_day_totals SET n = n - 1 WHERE status = OLD.status
        AND day = substr(OLD.created, 1, 10);
    UPDATE point_blocks SET n = n - 1 WHERE status = OLD.status AND block = OLD.id >> 10
        AND category = OLD.category AND channel = OLD.channel;
END;

-- A change moves the point from its old row of each count to its new one.
CREATE TRIGGER points_counts_update AFTER UPDATE OF status, category, topic, channel,
    ortsbezirk_id, stadtteil_id, created, lon, lat, x, y, cell ON points
WHEN OLD.status IS NOT NEW.status OR OLD.category IS NOT NEW.category
    OR OLD.topic IS NOT NEW.topic OR OLD.channel IS NOT NEW.channel
    OR OLD.ortsbezirk_id IS NOT NEW.ortsbezirk_id OR OLD.stadtteil_id IS NOT NEW.stadtteil_id
    OR OLD.created IS NOT NEW.created OR OLD.cell IS NOT NEW.cell
    OR OLD.lon IS NOT NEW.lon OR OLD.lat IS NOT NEW.lat OR OLD.x IS NOT NEW.x
    OR OLD.y IS NOT NEW.y
BEGIN
    UPDATE point_version SET v = v + 1;
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
    UPDATE point_counts SET n = n - 1 WHERE status = OLD.status
        AND ortsbezirk_id = coalesce(OLD.ortsbezirk_id, '')
        AND stadtteil_id = coalesce(OLD.stadtteil_id, '') AND category = OLD.category
        AND topic = coalesce(OLD.topic, '') AND channel = OLD.channel;
    INSERT INTO point_counts VALUES (NEW.status, coalesce(NEW.ortsbezirk_id, ''),
            coalesce(NEW.stadtteil_id, ''), NEW.category, coalesce(NEW.topic, ''),
            NEW.channel, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    UPDATE point_days SET n = n - 1 WHERE status = OLD.status
        AND day = substr(OLD.created, 1, 10)
        AND ortsbezirk_id = coalesce(OLD.ortsbezirk_id, '')
        AND stadtteil_id = coalesce(OLD.stadtteil_id, '') AND category = OLD.category
        AND topic = coalesce(OLD.topic, '') AND channel = OLD.channel;
    INSERT INTO point_days VALUES (NEW.status, substr(NEW.created, 1, 10),
            coalesce(NEW.ortsbezirk_id, ''), coalesce(NEW.stadtteil_id, ''), NEW.category,
            coalesce(NEW.topic, ''), NEW.channel, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    UPDATE point_day_totals SET n = n - 1 WHERE status = OLD.status
        AND day = substr(OLD.created, 1, 10);
    INSERT INTO point_day_totals VALUES (NEW.status, substr(NEW.created, 1, 10), 1, NEW.id,
            NEW.id)
        ON CONFLICT DO UPDATE SET n = n + 1, min_id = min(min_id, excluded.min_id),
            max_id = max(max_id, excluded.max_id);
    UPDATE point_blocks SET n = n - 1 WHERE status = OLD.status AND block = OLD.id >> 10
        AND category = OLD.category AND channel = OLD.channel;
    INSERT INTO point_blocks VALUES (NEW.status, NEW.id >> 10, NEW.category, NEW.channel, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
END;
