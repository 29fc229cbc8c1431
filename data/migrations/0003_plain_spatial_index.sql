-- 0003: maintain the points' spatial index with plain SQL triggers.
--
-- SpatiaLite's own triggers on points re-check every new geometry against
-- geometry_columns, stamp geometry_columns_time on each row, and update the
-- R*Tree through SQL that RTreeAlign() builds and prepares per row.  geopart
-- writes points only through one INSERT that builds POINT(x y) in
-- EPSG:25832 with MakePoint() from the row's own x/y columns, so the same
-- R*Tree maintenance as compiled trigger bodies costs a third per insert.
-- The triggers keep SpatiaLite's names, so its index tools (CheckSpatialIndex,
-- RecoverSpatialIndex, DisableSpatialIndex) still recognise them; the R*Tree
-- rounds float bounds outward itself.
DROP TRIGGER IF EXISTS ggi_points_geom;
DROP TRIGGER IF EXISTS ggu_points_geom;
DROP TRIGGER IF EXISTS tmi_points_geom;
DROP TRIGGER IF EXISTS tmu_points_geom;
DROP TRIGGER IF EXISTS tmd_points_geom;
DROP TRIGGER IF EXISTS gii_points_geom;
DROP TRIGGER IF EXISTS giu_points_geom;
DROP TRIGGER IF EXISTS gid_points_geom;

CREATE TRIGGER gii_points_geom AFTER INSERT ON points
FOR EACH ROW WHEN NEW.geom IS NOT NULL BEGIN
    INSERT INTO idx_points_geom (pkid, xmin, xmax, ymin, ymax)
    VALUES (NEW.rowid, NEW.x, NEW.x, NEW.y, NEW.y);
END;

CREATE TRIGGER giu_points_geom AFTER UPDATE OF geom, x, y ON points
FOR EACH ROW BEGIN
    DELETE FROM idx_points_geom WHERE pkid = OLD.rowid;
    INSERT INTO idx_points_geom (pkid, xmin, xmax, ymin, ymax)
    SELECT NEW.rowid, NEW.x, NEW.x, NEW.y, NEW.y WHERE NEW.geom IS NOT NULL;
END;

CREATE TRIGGER gid_points_geom AFTER DELETE ON points
FOR EACH ROW BEGIN
    DELETE FROM idx_points_geom WHERE pkid = OLD.rowid;
END;
