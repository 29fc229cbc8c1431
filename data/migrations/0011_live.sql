-- 0011: the live workshop room.  Staff
-- open an event's live entry for the time of the walk or workshop; while
-- it is open, citizens' points sent through the event's link (/?event=ID)
-- carry the event and its channel.
ALTER TABLE events ADD COLUMN live INTEGER NOT NULL DEFAULT 0 CHECK (live IN (0, 1));
