-- 0008: the planners' workspace — the city's answer on a point, walks and
-- workshops as events, and staff sessions for the browser.
--
-- Nothing here identifies a citizen.  A session row holds only a keyed hash
-- of the random session id (the key is the server secret outside this
-- file), which token it stands for and when it ends.

-- Ortsbezirk walks and workshops: the points recorded there carry the
-- event.  district is an id of either layer, checked when the event is
-- made; it is no foreign key, so that a boundary import that drops an id
-- leaves the event (and its points) in place.
CREATE TABLE events (
    id       INTEGER PRIMARY KEY,
    name     TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    channel  TEXT NOT NULL CHECK (channel IN ('walk', 'workshop')),
    date     TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    district TEXT,
    created  TEXT NOT NULL
);

-- The view points_gis (0007) names the columns of points: it goes first
-- and comes back below with the new fields.
DELETE FROM views_geometry_columns WHERE view_name = 'points_gis';
DROP VIEW points_gis;

-- BIGINT, not INTEGER, for the reason 0007 gives: OGR reads a column
-- declared INTEGER as 32-bit; both names have INTEGER affinity.
ALTER TABLE points ADD COLUMN event BIGINT REFERENCES events (id);
-- The city's answer, public, and where the idea stands.
ALTER TABLE points ADD COLUMN reply TEXT
    CHECK (reply IS NULL OR length(reply) BETWEEN 1 AND 2000);
ALTER TABLE points ADD COLUMN reply_at TEXT;
-- As gis_created in 0007: gives the view's reply_at the type DATETIME.
ALTER TABLE points ADD COLUMN gis_reply_at DATETIME GENERATED ALWAYS AS (reply_at) VIRTUAL;
ALTER TABLE points ADD COLUMN outcome TEXT NOT NULL DEFAULT 'open'
    CHECK (outcome IN ('open', 'in_review', 'adopted', 'not_adopted'));
CREATE INDEX points_event ON points (event) WHERE event IS NOT NULL;

-- Staff signed in through the browser: the cookie carries a random id,
-- the row its keyed hash.  Revoking the token ends its sessions (the join
-- on tokens.revoked when a session is looked up).
CREATE TABLE sessions (
    hash     BLOB PRIMARY KEY NOT NULL CHECK (length(hash) = 32),
    token_id INTEGER NOT NULL REFERENCES tokens (id) ON DELETE CASCADE,
    created  TEXT NOT NULL,
    expires  TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_expires ON sessions (expires);

-- points_gis as 0007 made it, with the workspace's fields where the field
-- set (src/read/fields.c) has them: after channel.
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
       p.event         AS event,
       p.reply         AS reply,
       p.gis_reply_at  AS reply_at,
       p.outcome       AS outcome,
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
