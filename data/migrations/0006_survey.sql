-- 0006: the questionnaire (Umfrage).
--
-- Nothing here identifies a respondent: a response keeps the day it came
-- in (not the time, so it cannot be matched with an access log) and the
-- Ortsbezirk its respondent chose; which client sent it is decided in
-- memory, never on disk.  Results never read single rows for the public:
-- they come from counts per question, Ortsbezirk and code (survey_counts),
-- and small counts are suppressed by the read layer (survey_min_cell).

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
-- chosen.  `ortsbezirk` repeats the respondent's, for the counts below.
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
CREATE INDEX survey_answers_response ON survey_answers (response_id, question);

-- Results are read from counts the triggers below keep, so they cost the
-- same for a hundred responses as for a hundred thousand:
--   (question, respondent's Ortsbezirk, code) → answers with that code;
--   (question, Ortsbezirk, '#')               → respondents who answered it;
--   ('', Ortsbezirk, '#')                     → responses.
-- An unknown Ortsbezirk is ''; '#' is no valid code.
CREATE TABLE survey_counts (
    question   TEXT NOT NULL,
    ortsbezirk TEXT NOT NULL,
    code       TEXT NOT NULL,
    n          INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (question, ortsbezirk, code)
) WITHOUT ROWID;

CREATE TRIGGER survey_responses_counted AFTER INSERT ON survey_responses BEGIN
    INSERT INTO survey_counts VALUES ('', coalesce(NEW.ortsbezirk, ''), '#', 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER survey_responses_uncounted AFTER DELETE ON survey_responses BEGIN
    UPDATE survey_counts SET n = n - 1
        WHERE question = '' AND ortsbezirk = coalesce(OLD.ortsbezirk, '') AND code = '#';
END;
CREATE TRIGGER survey_answers_counted AFTER INSERT ON survey_answers BEGIN
    INSERT INTO survey_counts
        SELECT NEW.question, coalesce(NEW.ortsbezirk, ''), NEW.code, 1 WHERE NEW.code IS NOT NULL
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO survey_counts
        SELECT NEW.question, coalesce(NEW.ortsbezirk, ''), '#', 1
        WHERE NOT EXISTS (SELECT 1 FROM survey_answers a WHERE a.response_id = NEW.response_id
                          AND a.question = NEW.question AND a.rowid <> NEW.rowid)
        ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER survey_answers_uncounted AFTER DELETE ON survey_answers BEGIN
    UPDATE survey_counts SET n = n - 1
        WHERE OLD.code IS NOT NULL AND question = OLD.question
          AND ortsbezirk = coalesce(OLD.ortsbezirk, '') AND code = OLD.code;
    UPDATE survey_counts SET n = n - 1
        WHERE question = OLD.question AND ortsbezirk = coalesce(OLD.ortsbezirk, '') AND code = '#'
          AND NOT EXISTS (SELECT 1 FROM survey_answers a WHERE a.response_id = OLD.response_id
                          AND a.question = OLD.question);
END;
