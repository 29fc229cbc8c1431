-- 0001: spatial metadata, districts, points.
--
-- Runs inside the migration transaction, so InitSpatialMetaData is told not
-- to open one of its own (first argument 0).  'NONE' creates an empty
-- spatial_ref_sys; only the systems geopart uses are inserted, which keeps
-- creating a database well under a second.

SELECT InitSpatialMetaData(0, 'NONE');
SELECT InsertEpsgSrid(25832);
SELECT InsertEpsgSrid(4326);
SELECT InsertEpsgSrid(3857);
SELECT InsertEpsgSrid(31467);

CREATE TABLE meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- Bumped by every boundary import so running servers rebuild their
-- district index before the next write.
INSERT INTO meta (key, value) VALUES ('districts_version', '0');

CREATE TABLE districts (
    id    TEXT PRIMARY KEY NOT NULL,
    name  TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    layer TEXT NOT NULL CHECK (layer IN ('ortsbezirk', 'stadtteil')),
    -- position within its layer as imported; decides ties on shared edges
    ord   INTEGER NOT NULL
);
SELECT AddGeometryColumn('districts', 'geom', 25832, 'MULTIPOLYGON', 'XY', 1);
CREATE INDEX districts_layer ON districts (layer, ord);

CREATE TABLE points (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    category      TEXT NOT NULL CHECK (category IN ('favourite', 'improvement')),
    comment       TEXT NOT NULL CHECK (length(comment) BETWEEN 1 AND 1000),
    topic         TEXT,
    status        TEXT NOT NULL DEFAULT 'published'
                  CHECK (status IN ('pending', 'published', 'hidden')),
    created       TEXT NOT NULL,
    updated       TEXT NOT NULL,
    supporters    INTEGER NOT NULL DEFAULT 0 CHECK (supporters >= 0),
    -- Checked at commit, so a boundary import can replace a layer and then
    -- reassign every point inside one transaction.
    ortsbezirk_id TEXT REFERENCES districts (id) DEFERRABLE INITIALLY DEFERRED,
    stadtteil_id  TEXT REFERENCES districts (id) DEFERRABLE INITIALLY DEFERRED,
    -- The same position in CRS84 and in EPSG:25832 as plain numbers, so
    -- readers filter and serialise without parsing geometry blobs or PROJ.
    lon           REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
    lat           REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
    x             REAL NOT NULL,
    y             REAL NOT NULL
);
SELECT AddGeometryColumn('points', 'geom', 25832, 'POINT', 'XY', 1);
SELECT CreateSpatialIndex('points', 'geom');

CREATE INDEX points_status_created ON points (status, created);
CREATE INDEX points_ortsbezirk ON points (ortsbezirk_id, status, category);
CREATE INDEX points_stadtteil ON points (stadtteil_id, status, category);
