-- 0002: moderation, staff tokens, community flags, input channels.
--
-- Nothing here identifies a citizen: flags keep only the point, the reason
-- and the time (which client flagged is decided in memory, never on disk);
-- the moderation log names the staff token and the fields changed, never
-- the text that was removed.

-- Where a point came from: citizens are always 'online'; staff record
-- Ortsbezirk walks and workshops with an optional note.
ALTER TABLE points ADD COLUMN channel TEXT NOT NULL DEFAULT 'online'
    CHECK (channel IN ('online', 'walk', 'workshop'));
ALTER TABLE points ADD COLUMN note TEXT CHECK (note IS NULL OR length(note) <= 1000);
CREATE INDEX points_channel ON points (channel, status);
CREATE INDEX points_status_updated ON points (status, updated);

CREATE TABLE tokens (
    id      INTEGER PRIMARY KEY,
    name    TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 64),
    role    TEXT NOT NULL CHECK (role IN ('planner', 'admin')),
    -- keyed BLAKE2b of the secret; the key lives outside this file
    hash    BLOB NOT NULL UNIQUE CHECK (length(hash) = 32),
    created TEXT NOT NULL,
    revoked TEXT
);

CREATE TABLE moderation_log (
    id       INTEGER PRIMARY KEY,
    at       TEXT NOT NULL,
    actor    TEXT NOT NULL,            -- token name, or 'system'
    action   TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete', 'auto-hide', 'purge')),
    point_id INTEGER,                  -- kept after a delete: the log outlives the point
    fields   TEXT NOT NULL DEFAULT '', -- e.g. "status: pending → published, comment"
    count    INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX moderation_log_at ON moderation_log (at);

CREATE TABLE flags (
    id       INTEGER PRIMARY KEY,
    point_id INTEGER NOT NULL REFERENCES points (id) ON DELETE CASCADE,
    reason   TEXT NOT NULL CHECK (reason IN ('spam', 'offensive', 'personal_data',
                                             'off_topic', 'duplicate', 'other')),
    created  TEXT NOT NULL
);
CREATE INDEX flags_point ON flags (point_id);
CREATE INDEX flags_created ON flags (created);
