-- 0009: reserved for the planners' workspace (issue 11), which lands
-- separately; empty here so that the numbers have no gap.
SELECT 1;
