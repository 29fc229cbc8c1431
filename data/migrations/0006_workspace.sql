-- 0006: the planners' workspace — the city's answer on a point, walks and
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

ALTER TABLE points ADD COLUMN event INTEGER REFERENCES events (id);
-- The city's answer, public, and where the idea stands.
ALTER TABLE points ADD COLUMN reply TEXT
    CHECK (reply IS NULL OR length(reply) BETWEEN 1 AND 2000);
ALTER TABLE points ADD COLUMN reply_at TEXT;
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
