-- A static credential being created: written before the broker is touched,
-- removed when the credential is stored (or the broker refused). Start-up
-- reconciliation on any instance leaves a broker client alone while its
-- intent is young, so it never deletes what another instance is creating.
CREATE TABLE pending_static (
    user_name   TEXT PRIMARY KEY NOT NULL,
    started_at  BIGINT NOT NULL  -- Unix seconds
);
