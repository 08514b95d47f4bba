-- How a refusal of a document can be appealed, as the body sets it: the second-instance body
-- that decides, the days to appeal from receipt, and the fee. Each setting is a new row; a
-- refusal decision names the route in force when it was decided, so it reproduces unchanged
-- after the setting changes.
CREATE TABLE appeal_routes (
    id INTEGER PRIMARY KEY CHECK (id > 0),
    body TEXT NOT NULL,
    days INTEGER NOT NULL CHECK (days > 0),
    -- In fening; 0: no fee.
    fee INTEGER NOT NULL CHECK (fee >= 0),
    fee_note TEXT NOT NULL,
    set_at INTEGER NOT NULL
);
