-- A clientId the API generated for a JWT request without one is held only
-- while that token may be used (expires_at, Unix s): reserving one for ever
-- per request would let any organisation grow this table without end.
-- Every other clientId (asked for by name, or a static credential's) stays
-- with its organisation for good (NULL), also after its credential is
-- deleted, so no other organisation can take over its sessions' identity.
ALTER TABLE client_ids ADD COLUMN expires_at BIGINT;
CREATE INDEX client_ids_expires ON client_ids (expires_at);
