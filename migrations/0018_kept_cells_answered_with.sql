-- The kept score cells say how their responses were answered (response.answered_with, 0017), so the
-- protected set's split by it is the same after retention deletes a period as before. '' = not said.
ALTER TABLE kept_score_cell ADD COLUMN answered_with text NOT NULL DEFAULT '';
ALTER TABLE kept_score_cell DROP CONSTRAINT kept_score_cell_pkey;
ALTER TABLE kept_score_cell
    ADD PRIMARY KEY (survey_version_id, site_id, language, period, source, name, value, answered_with);
