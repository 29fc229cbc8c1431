-- 0007: the database as GIS clients open it.
--
-- points_gis is a read-only view with the point field set every export
-- writes (src/read/fields.c, staff view: with note and flags; x/y because
-- the database's CRS is EPSG:25832), registered as a SpatiaLite spatial
-- view so QGIS and OGR list it as a point layer whose feature id is `fid`
-- and whose `id` stays an attribute (ogr2ogr renumbers features, never
-- attributes).
--
-- OGR reads a column's type from its declared type (sqlite3_column_decltype),
-- and a view's column has the declared type of the table column it names
-- (expressions have none).  So:
--   * cell and supporters are declared BIGINT instead of INTEGER, which OGR
--     reads as 32-bit (a cell number such as 292383210165 became 2147483647
--     with a warning per feature).  Both names have INTEGER affinity, so
--     the stored values, their comparisons and every index stay as they
--     are: only the declared type's text in the schema changes, the change
--     SQLite's documentation allows through writable_schema for changes
--     that do not touch what is stored.  The later statements change the
--     schema again, which bumps schema_version, so every other connection
--     re-reads it too.
--   * gis_id (BIGINT) and gis_created, gis_updated (DATETIME) are virtual
--     generated columns — computed when read, stored nowhere — whose only
--     purpose is to give the view's id and times those types.  DATETIME has
--     NUMERIC affinity, which leaves text that is not a number, as these
--     times are, unchanged.

PRAGMA writable_schema = ON;
UPDATE sqlite_master
   SET sql = replace(replace(sql, ' cell INTEGER)', ' cell BIGINT)'),
                     'supporters    INTEGER NOT NULL', 'supporters    BIGINT NOT NULL')
 WHERE type = 'table' AND name = 'points';
-- RESET also makes this connection re-read the schema, so the ALTERs
-- below (and later migrations) work from the text as it now is.
PRAGMA writable_schema = RESET;

ALTER TABLE points ADD COLUMN gis_id BIGINT GENERATED ALWAYS AS (id) VIRTUAL;
ALTER TABLE points ADD COLUMN gis_created DATETIME GENERATED ALWAYS AS (created) VIRTUAL;
ALTER TABLE points ADD COLUMN gis_updated DATETIME GENERATED ALWAYS AS (updated) VIRTUAL;

CREATE VIEW points_gis AS
SELECT p.id            AS fid,
       p.gis_id        AS id,
       p.category      AS category,
       p.comment       AS comment,
       p.topic         AS topic,
       p.status        AS status,
       p.gis_created   AS created,
       p.gis_updated   AS updated,
       p.supporters    AS supporters,
       p.ortsbezirk_id AS ortsbezirk_id,
       ob.name         AS ortsbezirk_name,
       p.stadtteil_id  AS stadtteil_id,
       st.name         AS stadtteil_name,
       p.channel       AS channel,
       p.x             AS x,
       p.y             AS y,
       p.note          AS note,
       (SELECT count(*) FROM flags f WHERE f.point_id = p.id) AS flags,
       p.geom          AS geom
  FROM points p
  LEFT JOIN districts ob ON ob.id = p.ortsbezirk_id
  LEFT JOIN districts st ON st.id = p.stadtteil_id;

INSERT INTO views_geometry_columns
    (view_name, view_geometry, view_rowid, f_table_name, f_geometry_column, read_only)
VALUES ('points_gis', 'geom', 'fid', 'points', 'geom', 1);
