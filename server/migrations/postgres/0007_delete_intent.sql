-- A delete in progress (Unix s), written before the broker is touched. A
-- delete is broker first, so the credential stops working at once; the
-- mark lets whatever stops it halfway (a crash, a full disk after the
-- broker's half) be finished by reconciliation on any instance, instead of
-- leaving a stored credential the broker no longer holds. A store that
-- cannot take the mark refuses the delete before anything changed.
ALTER TABLE static_credentials ADD COLUMN deleting_since BIGINT;
