/**
 * Forward-only, versioned schema migrations, the same on PGlite and PostgreSQL. A migration once
 * released is never edited: a change is a new entry at the end. Times are epoch milliseconds in
 * int8 columns, so both engines and every time zone read them alike.
 */
import type { Database } from './database'
import { ADVISORY_LOCKS } from './locks'

interface Migration {
  version: number
  name: string
  statements: readonly string[]
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    statements: [
      `CREATE TABLE users (
        username text PRIMARY KEY,
        display_name text NOT NULL,
        role text NOT NULL CHECK (role IN ('agent', 'supervisor', 'admin')),
        password_hash text NOT NULL,
        created_at int8 NOT NULL,
        disabled boolean NOT NULL DEFAULT false
      )`,
      `CREATE TABLE stations (
        code text PRIMARY KEY,
        name text NOT NULL,
        enrolled_at int8 NOT NULL
      )`,
      `CREATE SEQUENCE station_code_seq`,
      `CREATE TABLE sessions (
        token_hash text PRIMARY KEY,
        username text NOT NULL REFERENCES users (username),
        station_code text REFERENCES stations (code),
        created_at int8 NOT NULL,
        expires_at int8 NOT NULL,
        revoked_at int8
      )`,
      `CREATE INDEX sessions_username ON sessions (username)`,
      `CREATE TABLE enrollment_codes (
        code_hash text PRIMARY KEY,
        station_code text,
        issued_by text NOT NULL,
        created_at int8 NOT NULL,
        expires_at int8 NOT NULL,
        used_at int8
      )`,
      `CREATE TABLE integration_tokens (
        token_hash text PRIMARY KEY,
        name text NOT NULL,
        created_at int8 NOT NULL,
        revoked_at int8
      )`,
      `CREATE UNIQUE INDEX integration_tokens_active_name ON integration_tokens (name) WHERE revoked_at IS NULL`,
      `CREATE TABLE teams (id text PRIMARY KEY, body jsonb NOT NULL)`,
      `CREATE TABLE routing_guidance (id text PRIMARY KEY, body jsonb NOT NULL)`,
      `CREATE TABLE call_templates (id text PRIMARY KEY, body jsonb NOT NULL)`,
      `CREATE TABLE callers (
        id text PRIMARY KEY,
        name_lc text NOT NULL,
        phone_digits text NOT NULL,
        username_lc text NOT NULL,
        body jsonb NOT NULL
      )`,
      `CREATE INDEX callers_phone ON callers (phone_digits text_pattern_ops)`,
      `CREATE INDEX callers_username ON callers (username_lc text_pattern_ops)`,
      `CREATE TABLE settings (key text PRIMARY KEY, value jsonb NOT NULL)`,
      `CREATE TABLE events (
        seq int8 GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id uuid NOT NULL UNIQUE,
        ticket_id uuid NOT NULL,
        body jsonb NOT NULL,
        received_at int8 NOT NULL
      )`,
      `CREATE INDEX events_ticket ON events (ticket_id)`,
      // body is NULL while a ticket's events arrived without its opening (a late "opened").
      `CREATE TABLE tickets (
        id uuid PRIMARY KEY,
        body jsonb,
        number text,
        state text,
        alert_key text,
        updated_at int8,
        last_seq int8 NOT NULL
      )`,
      `CREATE INDEX tickets_alert_key ON tickets (alert_key) WHERE alert_key IS NOT NULL`,
      `CREATE SEQUENCE server_ticket_seq`,
      `CREATE TABLE mail_outbox (
        note_id uuid PRIMARY KEY,
        event_id uuid NOT NULL,
        ticket_id uuid NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'unconfirmed', 'failed', 'cancelled')),
        attempts int4 NOT NULL DEFAULT 0,
        next_attempt_at int8 NOT NULL,
        claimed_by text,
        claimed_at int8,
        last_error text,
        sent_at int8,
        created_at int8 NOT NULL
      )`,
      `CREATE INDEX mail_outbox_due ON mail_outbox (status, next_attempt_at)`,
      `CREATE TABLE station_presence (
        station_code text PRIMARY KEY REFERENCES stations (code),
        username text,
        server_id text NOT NULL,
        connection_id text NOT NULL,
        connected boolean NOT NULL,
        connected_at int8 NOT NULL,
        pending int4 NOT NULL DEFAULT 0,
        last_sync_at int8,
        seen_at int8 NOT NULL
      )`,
    ],
  },
  {
    version: 2,
    name: 'auth_attempts',
    // Sign-in and enrollment attempts, shared by every server process on the database (see
    // auth/rate-limit.ts). Keys are hashes: a failed attempt's user name is not kept in clear.
    statements: [
      `CREATE TABLE auth_attempts (
        id int8 GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        key text NOT NULL,
        at int8 NOT NULL
      )`,
      `CREATE INDEX auth_attempts_key_at ON auth_attempts (key, at)`,
      `CREATE INDEX auth_attempts_at ON auth_attempts (at)`,
    ],
  },
  {
    version: 3,
    name: 'station presence: events set aside',
    // How many events a station's agent set aside because the server kept failing on them.
    statements: ['ALTER TABLE station_presence ADD COLUMN set_aside int4 NOT NULL DEFAULT 0'],
  },
  {
    version: 4,
    name: 'mail outbox send phases and renewable lease',
    statements: [
      // How far the current (or, once it ended, the last) attempt got; see mail/mailer.ts. NULL
      // while pending, and on a row claimed by a server from before this migration: such a
      // claim is treated as possibly handed over.
      `ALTER TABLE mail_outbox ADD COLUMN phase text
         CHECK (phase IN ('claimed', 'connected', 'data_sent', 'accepted'))`,
      `ALTER TABLE mail_outbox ADD COLUMN lease_until int8`,
      `UPDATE mail_outbox SET phase = 'accepted' WHERE status = 'sent'`,
    ],
  },
  {
    version: 5,
    name: 'ticket_numbers',
    statements: [
      // One row per number a ticket was opened with: the primary key is what makes a number
      // unique across server processes, whatever any of them checked before inserting.
      `CREATE TABLE ticket_numbers (
        number text PRIMARY KEY,
        station_code text NOT NULL,
        sequence int8 NOT NULL,
        ticket_id uuid NOT NULL,
        event_id uuid NOT NULL,
        claimed_at int8 NOT NULL
      )`,
      `CREATE INDEX ticket_numbers_station ON ticket_numbers (station_code, sequence)`,
      // Numbers already in the log: the earliest opening keeps a number the log holds twice.
      `INSERT INTO ticket_numbers (number, station_code, sequence, ticket_id, event_id, claimed_at)
       SELECT DISTINCT ON (body->'payload'->>'number')
              body->'payload'->>'number',
              split_part(body->'payload'->>'number', '-', 1),
              split_part(body->'payload'->>'number', '-', 2)::int8,
              ticket_id, id, received_at
         FROM events
        WHERE body->>'type' = 'opened'
        ORDER BY body->'payload'->>'number', seq`,
    ],
  },
  {
    version: 6,
    name: 'cti call events and extensions',
    statements: [
      // A token is for one intake: a monitoring token cannot post calls, nor a PBX's alerts.
      `ALTER TABLE integration_tokens ADD COLUMN scope text NOT NULL DEFAULT 'monitoring' CHECK (scope IN ('monitoring', 'cti'))`,
      `CREATE TABLE extensions (
        extension text PRIMARY KEY,
        username text NOT NULL REFERENCES users (username)
      )`,
      // One row per (call, kind): a PBX that retries a post stores it once.
      `CREATE TABLE cti_events (
        call_id text NOT NULL,
        event_key text NOT NULL,
        body jsonb NOT NULL,
        received_at int8 NOT NULL,
        PRIMARY KEY (call_id, event_key)
      )`,
      `CREATE TABLE calls (
        call_id text PRIMARY KEY,
        started_at int8 NOT NULL,
        status text NOT NULL,
        body jsonb NOT NULL
      )`,
      `CREATE INDEX calls_started_at ON calls (started_at)`,
    ],
  },
  {
    version: 7,
    name: 'scheduler: when a ticket next needs the server',
    statements: [
      // The next time the scheduler must look at a ticket (an SLA due time, an inactive customer),
      // kept with the projection, so a job reads the few tickets due instead of every open one.
      `ALTER TABLE tickets ADD COLUMN next_job_at float8`,
      `CREATE INDEX tickets_next_job_at ON tickets (next_job_at) WHERE next_job_at IS NOT NULL`,
      // Tickets projected before this: looked at once by the first run, which sets their time.
      `UPDATE tickets SET next_job_at = 0 WHERE state IN ('open', 'on_hold', 'resolved')`,
    ],
  },
  {
    version: 8,
    name: 'outage radar: recent working tickets',
    statements: [
      // The radar (outage-radar.ts) looks at the working tickets touched in the last minutes on
      // every commit of new calls: without this it would read the whole projection each time.
      `CREATE INDEX tickets_working_updated ON tickets (updated_at) WHERE state IN ('open', 'on_hold')`,
    ],
  },
  {
    version: 9,
    name: 'email in',
    statements: [
      // One row per message received (see mail-in/intake.ts), written in the transaction of its
      // events: the primary key is what keeps a message delivered twice from opening two tickets.
      `CREATE TABLE mail_in (
        message_key text PRIMARY KEY,
        sender text NOT NULL,
        subject text NOT NULL,
        received_at int8 NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('opened', 'threaded', 'ignored')),
        reason text,
        ticket_id uuid
      )`,
      `CREATE INDEX mail_in_ticket ON mail_in (ticket_id) WHERE ticket_id IS NOT NULL`,
      `CREATE TABLE mail_in_attachments (
        id uuid PRIMARY KEY,
        message_key text NOT NULL REFERENCES mail_in (message_key),
        ticket_id uuid NOT NULL,
        name text NOT NULL,
        content_type text NOT NULL,
        size int4 NOT NULL,
        content bytea NOT NULL
      )`,
      // The sender is looked up as the caller by address.
      `CREATE INDEX callers_email ON callers (lower(body->>'email'))`,
    ],
  },
  {
    version: 10,
    name: 'administration: audit trail, station revocation, session handles',
    statements: [
      // Who changed what in the administration, and when (issue 12): never updated, only added to.
      `CREATE TABLE audit_log (
        id int8 GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at int8 NOT NULL,
        actor text NOT NULL,
        action text NOT NULL,
        target text NOT NULL,
        detail jsonb NOT NULL DEFAULT '{}'::jsonb
      )`,
      `ALTER TABLE stations ADD COLUMN revoked_at int8`,
      // A session's handle for listing and revoking is the start of its token's hash: the
      // token itself is never stored, and the full hash need not leave the server.
      `CREATE INDEX sessions_handle ON sessions (left(token_hash, 16))`,
    ],
  },
  {
    version: 11,
    name: 'ticket viewers and agents on a call',
    statements: [
      `ALTER TABLE station_presence ADD COLUMN on_call boolean NOT NULL DEFAULT false`,
      // Ephemeral presence (issue 12): one row per live connection and ticket it shows, gone with
      // the connection; rows of a server process that died are ignored once `seen_at` is stale.
      `CREATE TABLE ticket_viewers (
        connection_id text NOT NULL,
        ticket_id text NOT NULL,
        username text NOT NULL,
        station_code text,
        server_id text NOT NULL,
        seen_at int8 NOT NULL,
        PRIMARY KEY (connection_id, ticket_id)
      )`,
    ],
  },
  {
    version: 12,
    name: 'commit in one call',
    statements: [
      // A projection row (~5 KB for a ticket of ten events) is rewritten on every commit to its
      // ticket: lz4 compresses it for ~1.3 µs less PostgreSQL CPU per event pushed than pglz, at
      // ~30% more space (kept uncompressed it saves ~3 µs but takes four times the space). An
      // engine built without lz4 (PGlite) keeps pglz.
      `DO $$ BEGIN
         ALTER TABLE tickets ALTER COLUMN body SET COMPRESSION lz4;
       EXCEPTION WHEN feature_not_supported THEN NULL;
       END $$`,
      // A push's commit as one statement (events/commit.ts): the event-log lock, a check that what
      // the batch was judged and folded against (read before the lock) still holds, and the write.
      // Outside a transaction it is one round trip, and the lock is held for the database's own
      // work alone. It returns NULL without writing when the check fails: the caller then commits
      // the batch the slow way, reading under the lock. A volatile function's statements each see
      // what committed before they began, so the check after the lock sees every earlier commit.
      // Ids and the projection's columns come out of the JSON bodies rather than being sent twice.
      `CREATE FUNCTION warmline_commit(
        lock_key int8,
        -- What the batch was folded against: the policy's settings rows and the tickets' rows,
        -- each by xmin (NULL: no row); the new events' ids and the claimed numbers were free.
        setting_keys text[], settings_stamp text, ticket_versions text[],
        -- The events in order, and each ticket's projection as {id, body, nextJobAt}.
        new_events jsonb, received_at int8, projections jsonb,
        mail_notes uuid[], mail_events uuid[], mail_tickets uuid[],
        claim_numbers text[], claim_tickets uuid[], claim_events uuid[],
        channel text,
        OUT seqs int8[]
      ) LANGUAGE plpgsql AS $$
      DECLARE
        log_end int8;
      BEGIN
        PERFORM pg_advisory_xact_lock(lock_key);
        IF (SELECT string_agg(s.key || ':' || s.xmin::text, ',' ORDER BY s.key)
              FROM settings s WHERE s.key = ANY(setting_keys)) IS DISTINCT FROM settings_stamp
          OR EXISTS (SELECT FROM events e, jsonb_array_elements(new_events) n(body)
                      WHERE e.id = (n.body->>'id')::uuid)
          OR EXISTS (SELECT FROM ticket_numbers t WHERE t.number = ANY(claim_numbers))
          OR EXISTS (SELECT FROM ROWS FROM (jsonb_array_elements(projections), unnest(ticket_versions)) AS p(row, version)
                       LEFT JOIN tickets t ON t.id = (p.row->>'id')::uuid
                      WHERE t.xmin::text IS DISTINCT FROM p.version) THEN
          RETURN;
        END IF;
        SELECT coalesce(max(e.seq), 0) INTO log_end FROM events e;
        WITH inserted AS (
          INSERT INTO events (id, ticket_id, body, received_at)
          SELECT (n.body->>'id')::uuid, (n.body->>'ticketId')::uuid, n.body, received_at
            FROM jsonb_array_elements(new_events) WITH ORDINALITY AS n(body, ord)
           ORDER BY n.ord
          RETURNING id, ticket_id, seq
        ), projection AS (
          INSERT INTO tickets (id, body, number, state, alert_key, updated_at, last_seq, next_job_at)
          SELECT (p.row->>'id')::uuid, nullif(p.row->'body', 'null'::jsonb), p.row->'body'->>'number',
                 p.row->'body'->>'state', p.row->'body'->>'alertKey', (p.row->'body'->>'updatedAt')::int8,
                 last.seq, (p.row->>'nextJobAt')::float8
            FROM jsonb_array_elements(projections) AS p(row)
            -- One pass over the inserted rows: a subquery per ticket made the write quadratic.
            LEFT JOIN (SELECT i.ticket_id, max(i.seq) AS seq FROM inserted i GROUP BY i.ticket_id) last
              ON last.ticket_id = (p.row->>'id')::uuid
          ON CONFLICT (id) DO UPDATE SET body = excluded.body, number = excluded.number,
            state = excluded.state, alert_key = excluded.alert_key, updated_at = excluded.updated_at,
            last_seq = excluded.last_seq, next_job_at = excluded.next_job_at
        ), outbox AS (
          INSERT INTO mail_outbox (note_id, event_id, ticket_id, status, next_attempt_at, created_at)
          SELECT m.note_id, m.event_id, m.ticket_id, 'pending', received_at, received_at
            FROM unnest(mail_notes, mail_events, mail_tickets) AS m(note_id, event_id, ticket_id)
          ON CONFLICT (note_id) DO NOTHING
        ), numbers AS (
          INSERT INTO ticket_numbers (number, station_code, sequence, ticket_id, event_id, claimed_at)
          SELECT c.number, split_part(c.number, '-', 1), split_part(c.number, '-', 2)::int8,
                 c.ticket_id, c.event_id, received_at
            FROM unnest(claim_numbers, claim_tickets, claim_events) AS c(number, ticket_id, event_id)
        )
        SELECT array_agg(i.seq ORDER BY n.ord) INTO seqs
          FROM inserted i
          JOIN jsonb_array_elements(new_events) WITH ORDINALITY AS n(body, ord) ON i.id = (n.body->>'id')::uuid;
        PERFORM pg_notify(channel, log_end || ':' || (SELECT max(s) FROM unnest(seqs) s));
      END $$`,
    ],
  },
  {
    version: 13,
    name: 'enrollment budget by attempt number',
    statements: [
      // Enrollment attempts count from the newest code on (auth/rate-limit.ts). Compared by time,
      // an attempt in the code's own millisecond was left out; the attempt's number is exact.
      // Codes issued before this count every attempt still in the window.
      `ALTER TABLE enrollment_codes ADD COLUMN attempts_before int8 NOT NULL DEFAULT 0`,
    ],
  },
]

export async function migrate(db: Database, now: () => number): Promise<void> {
  await db.transaction(async (tx) => {
    // Two server processes starting at once on one PostgreSQL: the second waits, then finds
    // nothing left to do.
    await tx.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCKS.migrate])
    await tx.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version int4 PRIMARY KEY, name text NOT NULL, applied_at int8 NOT NULL)',
    )
    const rows = await tx.query<{ version: number }>('SELECT version FROM schema_migrations')
    const applied = new Set(rows.map((r) => r.version))
    const newest = Math.max(0, ...applied)
    const known = MIGRATIONS[MIGRATIONS.length - 1]!.version
    if (newest > known) {
      throw new Error(
        `The database was migrated by a newer Warmline server (schema ${newest}, this one knows ${known}): update this server.`,
      )
    }
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.version)) continue
      for (const statement of migration.statements) await tx.query(statement)
      await tx.query(
        'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
        [migration.version, migration.name, now()],
      )
    }
  })
}
