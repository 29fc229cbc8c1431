-- 0010: moderation of the questionnaire's free-text answers.
--
-- Free text is never public; staff read it after moderation, as they do
-- comments: every text answer starts pending and a planner approves or
-- hides it (the moderation log names who, never the words).  The text
-- itself stays in survey_answers, which the staff's responses CSV reads
-- unchanged; this table only holds where each text stands.

CREATE TABLE survey_texts (
    id          INTEGER PRIMARY KEY,
    response_id INTEGER NOT NULL REFERENCES survey_responses (id) ON DELETE CASCADE,
    question    TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'approved', 'hidden')),
    updated     TEXT,   -- the last moderation; NULL while never moderated
    UNIQUE (response_id, question)
);
-- The queue (one status, oldest first) and the approved texts of results.
CREATE INDEX survey_texts_status ON survey_texts (status, id);

-- Text answers stored before this migration join the queue.
INSERT INTO survey_texts (response_id, question)
    SELECT response_id, question FROM survey_answers WHERE text IS NOT NULL ORDER BY rowid;

-- Every text answer joins the queue in the transaction that stores it.
CREATE TRIGGER survey_answers_text_queued AFTER INSERT ON survey_answers
WHEN NEW.text IS NOT NULL BEGIN
    INSERT INTO survey_texts (response_id, question) VALUES (NEW.response_id, NEW.question);
END;
