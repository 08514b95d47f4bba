-- The share of its JMBG region's serials this node assigns to newborns. Several
-- municipalities share a region (Kakanj and Zenica are both 19) and each counts serials in its
-- own database, so the federation authority gives each member of a region a disjoint block
-- (the same offsets of the men's 000-499 and the women's 500-999). The latest row is in force;
-- none means the whole range (a node alone in its region).
CREATE TABLE jmbg_blocks (
    id BIGINT PRIMARY KEY CHECK (id > 0),
    region BIGINT NOT NULL CHECK (region BETWEEN 0 AND 99),
    first_serial BIGINT NOT NULL CHECK (first_serial BETWEEN 0 AND 499),
    serial_count BIGINT NOT NULL CHECK (serial_count BETWEEN 1 AND 500 AND first_serial + serial_count <= 500),
    -- Where the block comes from: the authority's decision or directory.
    basis TEXT NOT NULL,
    set_by TEXT NOT NULL,
    set_at BIGINT NOT NULL
);
