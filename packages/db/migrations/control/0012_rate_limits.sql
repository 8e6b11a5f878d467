-- Rate limits shared by every gateway instance (rate-limiter-flexible's PostgreSQL store, with the
-- table its RateLimiterPostgres expects). The services' role may not create tables, so it is here.
CREATE TABLE IF NOT EXISTS "rate_limits" (
  key varchar(255) PRIMARY KEY,
  points integer NOT NULL DEFAULT 0,
  expire bigint
);
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "rate_limits" TO cifra_control_app;
