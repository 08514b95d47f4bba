-- The home page lists the public calls still open, closing first: without this index the
-- database read every published piece and sorted the calls among them (10,000 pieces: 1,430
-- calls sorted per page); with it, it reads the open calls in closing order and stops.
CREATE INDEX pieces_calls ON pieces (kind, state, closes_on);
