-- A restore in place rewinds a client's audit chain to the backup's head on purpose: the events
-- after it are gone, and new ones take their positions with other hashes. The checkpoints taken of
-- the discarded history would say REWRITTEN for ever. The restore now leaves a checkpoint of its
-- own kind, RESTORED, at the restored head, sealed like the others (its kind under the seal too):
-- verification sets aside the checkpoints taken before it past its position — a history the
-- restore discarded, with its four-eyes approval in the firm's trail — and checks every other as
-- before (packages/db/src/checkpoint.ts). Without the checkpoint secret no one can write one.
ALTER TABLE audit_chain_checkpoints
  ADD COLUMN kind text NOT NULL DEFAULT 'CHECKPOINT'
  CONSTRAINT audit_chain_checkpoints_kind CHECK (kind IN ('CHECKPOINT', 'RESTORED'));
