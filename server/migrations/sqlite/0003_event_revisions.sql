-- A change number per entry, set when the entry is made and again whenever a
-- repeat adds to it: "what is new since I last looked" (the console's live
-- feed) is then one index range, and a position in the list (a cursor) stays
-- valid while older entries are dropped. One counter for the whole table,
-- kept in its own row so that it never goes back, even when retention has
-- emptied the table.
ALTER TABLE broker_events ADD COLUMN rev INTEGER NOT NULL DEFAULT 0;
UPDATE broker_events SET rev = id;
CREATE INDEX broker_events_by_rev ON broker_events(org_id, rev);

CREATE TABLE broker_events_rev (n INTEGER NOT NULL);
INSERT INTO broker_events_rev (n) SELECT coalesce(max(id), 0) FROM broker_events;

-- The newest entry of a clientId (where a repeat is grouped) in one index
-- step, however many entries the clientId has.
CREATE INDEX broker_events_newest ON broker_events(org_id, client_id, id);
