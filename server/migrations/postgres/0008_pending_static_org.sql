-- A create in progress counts against its organisation's quota from the
-- moment its intent is written: the count and the intent are one
-- transaction, with the organisation's row locked, so parallel creates at
-- the limit get exactly the allowed number (store::quota). Intents written
-- before this column existed belong to no organisation ('').
ALTER TABLE pending_static ADD COLUMN org_id TEXT NOT NULL DEFAULT '';
