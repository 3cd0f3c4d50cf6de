-- The core writes its queries once, in SQLite's dialect (src/store/postgres/client.ts runs them
-- here). Two things SQLite does that PostgreSQL needs told:
-- 1. The database's clock, strftime('%Y-%m-%dT%H:%M:%fZ','now'), in column defaults and updates.
CREATE FUNCTION strftime(format text, moment text) RETURNS text LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  IF format <> '%Y-%m-%dT%H:%M:%fZ' OR moment <> 'now' THEN
    RAISE EXCEPTION 'herald''s strftime knows only strftime(''%%Y-%%m-%%dT%%H:%%M:%%fZ'', ''now''), not (%, %)', format, moment;
  END IF;
  RETURN to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');
END $$;
--> statement-breakpoint
-- 2. An insert that leaves out an id sends NULL for it (drizzle's SQLite dialect has no DEFAULT
-- keyword), which SQLite turns into the next rowid. Here a trigger takes the next identity value.
CREATE FUNCTION herald_next_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.id IS NULL THEN
    NEW.id := nextval(pg_get_serial_sequence(TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, 'id'));
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOR t IN SELECT c.table_name FROM information_schema.columns c
           WHERE c.table_schema = current_schema() AND c.column_name = 'id' AND c.is_identity = 'YES'
  LOOP
    EXECUTE format('CREATE TRIGGER %I BEFORE INSERT ON %I FOR EACH ROW EXECUTE FUNCTION herald_next_id()', t || '_next_id', t);
  END LOOP;
END $$;
--> statement-breakpoint
-- The audit log is evidence for the post-incident review: rows are never changed or removed.
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only: rows cannot be %', CASE TG_OP WHEN 'UPDATE' THEN 'updated' ELSE 'deleted' END;
END $$;
--> statement-breakpoint
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
--> statement-breakpoint
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
--> statement-breakpoint
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
