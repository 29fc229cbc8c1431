-- 0009: counting points by outcome, exactly and cheaply.
--
-- Every point starts `open`, and only a planner moves one on (in_review,
-- adopted, not_adopted): the points with another outcome are as many as
-- planners answered, a small share of all.  So no count table is kept for
-- outcomes: statistics read those few points from this partial index (with
-- their filters tested per point) and take `open` as the rest of the counts
-- 0005 keeps — exact, and the cost follows the planners' work, not the
-- number of points.
CREATE INDEX points_outcome ON points (outcome, status) WHERE outcome <> 'open';
