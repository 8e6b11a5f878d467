-- Client databases are renamed to opaque names by `pnpm migrate` (per-client logins, ADR 0003).
-- The directory records the new name first and the old one here until the server's database has
-- been renamed, so an upgrade interrupted between the two steps resumes where it stopped.
ALTER TABLE tenants ADD COLUMN previous_database_name text;
