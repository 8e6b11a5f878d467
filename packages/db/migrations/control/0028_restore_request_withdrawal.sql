-- Restore in place requests (control migration 0023) may be withdrawn, by their requester or another
-- manager of the client, with a reason; a PENDING request left RESTORE_REQUEST_EXPIRES_HOURS is
-- EXPIRED (on approval, and by the worker's hourly sweep). Neither value is used in this migration:
-- a value added to an enum cannot be used in the transaction that adds it.
ALTER TYPE restore_in_place_status ADD VALUE IF NOT EXISTS 'WITHDRAWN';
--> statement-breakpoint
ALTER TYPE restore_in_place_status ADD VALUE IF NOT EXISTS 'EXPIRED';
--> statement-breakpoint
ALTER TABLE restore_in_place_requests
  ADD COLUMN withdrawn_by_user uuid,
  ADD COLUMN withdrawn_by text,
  ADD COLUMN withdrawal_reason text CHECK (withdrawal_reason IS NULL OR length(btrim(withdrawal_reason)) >= 20);
--> statement-breakpoint
GRANT UPDATE (withdrawn_by_user, withdrawn_by, withdrawal_reason) ON restore_in_place_requests TO cifra_control_app;
--> statement-breakpoint
-- A client's requests, newest first (restoreInPlaceRequests pages them by this key).
CREATE INDEX restore_in_place_by_client ON restore_in_place_requests (tenant_id, requested_at DESC, id DESC);
--> statement-breakpoint
-- The pending ones, oldest first: what the expiry sweep reads.
CREATE INDEX restore_in_place_pending ON restore_in_place_requests (requested_at) WHERE status = 'PENDING';
