-- 0007: the questionnaire (Umfrage).
--
-- Nothing here identifies a respondent: a response keeps the day it came
-- in (not the time, so it cannot be matched with an access log) and the
-- Ortsbezirk its respondent chose; which client sent it is decided in
-- memory, never on disk.  Results never read single rows for the public:
-- they are counted per question, Ortsbezirk and code, and small counts are
-- suppressed by the read layer (survey_min_cell).

-- Every question the survey has had, with its type and codes: a question
-- that has answers keeps both (checked when the server starts).
CREATE TABLE survey_questions (
    id         TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 40),
    type       TEXT NOT NULL CHECK (type IN ('single', 'multiple', 'scale', 'text',
                                             'number', 'district', 'place')),
    codes      TEXT NOT NULL DEFAULT '',  -- option codes, space separated
    first_seen TEXT NOT NULL
);

CREATE TABLE survey_responses (
    id         INTEGER PRIMARY KEY,
    day        TEXT NOT NULL CHECK (length(day) = 10),  -- YYYY-MM-DD, UTC
    ortsbezirk TEXT            -- an Ortsbezirk id, 'outside', or NULL (not said)
);

-- One row per answer; a multiple-choice answer has one row per option
-- chosen.  `ortsbezirk` repeats the respondent's, so results are counted
-- from this table alone, along its index.
CREATE TABLE survey_answers (
    response_id INTEGER NOT NULL REFERENCES survey_responses (id) ON DELETE CASCADE,
    question    TEXT NOT NULL REFERENCES survey_questions (id),
    ortsbezirk  TEXT,
    code        TEXT,   -- option, scale point, district, or the Ortsbezirk of a place
    num         REAL,   -- scale point, number
    text        TEXT CHECK (text IS NULL OR length(text) <= 4000),
    lon         REAL,   -- place, CRS84
    lat         REAL,
    stadtteil   TEXT    -- place
);
CREATE INDEX survey_answers_tally ON survey_answers (question, ortsbezirk, code, response_id);
CREATE INDEX survey_answers_response ON survey_answers (response_id);
