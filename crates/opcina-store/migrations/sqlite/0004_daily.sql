-- The office's daily list: what an office registered and issued on a day, read by office and
-- time without scanning the registers.
CREATE INDEX entries_office_recorded ON entries (office_code, recorded_at, id);
CREATE INDEX annotations_office_recorded ON annotations (office_code, recorded_at, id);
CREATE INDEX extracts_office_at ON extracts (office_code, at, id);
