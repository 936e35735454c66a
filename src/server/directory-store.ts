/**
 * The directory on the server: teams, routing guidance, call templates, callers and the priority
 * policy. Imports upsert by id, so a partial file (only callers, say) never deletes the rest.
 */
import { extname } from 'node:path'
import { z } from 'zod'
import {
  callerRecordSchema,
  callTemplateSchema,
  routingGuidanceSchema,
  teamSchema,
  DEFAULT_MAJOR_INCIDENT_SETTINGS,
  majorIncidentSettingsSchema,
  uniqueById,
  type CallerRecord,
  type MajorIncidentSettings,
} from '../shared/directory'
import { describeIssues } from '../shared/incident/events'
import { defaultCalendar } from '../shared/incident/calendar'
import {
  DEFAULT_PRIORITY_POLICY,
  priorityPolicySchema,
  type PriorityPolicy,
} from '../shared/incident/priority'
import { normalizeSearchText, phoneDigits } from '../shared/incident/search'
import type { DirectorySnapshot } from '../shared/station-api'
import { directoryEditSchema, type DirectorySection } from '../shared/sync/admin-wire'
import { listUsers } from './accounts'
import { csvRecords } from './csv'
import type { Database, Queryable } from './db/database'
import { ApiError } from './http/http'
import { recordAudit, type AuditRecord } from './admin/audit'

export const directoryImportSchema = directoryEditSchema.extend({
  callers: uniqueById(callerRecordSchema).default([]),
})
export type DirectoryImport = z.output<typeof directoryImportSchema>

export interface ImportSummary {
  teams: number
  routingGuidance: number
  templates: number
  callers: number
  policy: boolean
  calendar: boolean
  followUp: boolean
}

/** Which section a CSV file fills, told by a column only that section has. */
const CSV_SECTIONS = [
  { section: 'routingGuidance', marker: 'kbReference' },
  { section: 'teams', marker: 'tier' },
  { section: 'templates', marker: 'label' },
  { section: 'callers', marker: 'name' },
] as const

const NUMERIC_COLUMNS = new Set(['tier', 'impact', 'urgency'])
const BOOLEAN_COLUMNS = new Set(['accountMatter'])

function fromCsv(text: string): unknown {
  const { columns, records } = csvRecords(text)
  const match = CSV_SECTIONS.find((s) => columns.includes(s.marker))
  if (!match) {
    throw new Error(
      `Cannot tell what this CSV holds from its header (${columns.join(', ')}): teams have "tier", routing guidance "kbReference", templates "label", callers "name".`,
    )
  }
  const typed = records.map((record) =>
    Object.fromEntries(
      Object.entries(record).map(([key, value]) => [
        key,
        NUMERIC_COLUMNS.has(key)
          ? Number(value)
          : BOOLEAN_COLUMNS.has(key)
            ? /^(true|yes|1)$/i.test(value)
            : value,
      ]),
    ),
  )
  return { [match.section]: typed }
}

/** A directory file as an administrator hands it over: JSON (any sections) or CSV (one section). */
export function parseDirectoryFile(fileName: string, text: string): DirectoryImport {
  const raw = extname(fileName).toLowerCase() === '.csv' ? fromCsv(text) : JSON.parse(text)
  const parsed = directoryImportSchema.safeParse(raw)
  if (!parsed.success) throw new Error(`${fileName}: ${describeIssues(parsed.error)}`)
  return parsed.data
}

async function upsertBodies(
  tx: Queryable,
  table: 'teams' | 'routing_guidance' | 'call_templates',
  items: readonly { id: string }[],
): Promise<void> {
  if (!items.length) return
  await tx.query(
    `INSERT INTO ${table} (id, body) SELECT * FROM unnest($1::text[], $2::jsonb[])
     ON CONFLICT (id) DO UPDATE SET body = excluded.body`,
    [items.map((i) => i.id), items.map((i) => JSON.stringify(i))],
  )
}

export async function importDirectory(
  tx: Queryable,
  data: DirectoryImport,
): Promise<ImportSummary> {
  await upsertBodies(tx, 'teams', data.teams)
  await upsertBodies(tx, 'routing_guidance', data.routingGuidance)
  await upsertBodies(tx, 'call_templates', data.templates)
  if (data.callers.length) {
    await tx.query(
      `INSERT INTO callers (id, name_lc, phone_digits, username_lc, body)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[])
       ON CONFLICT (id) DO UPDATE SET name_lc = excluded.name_lc, phone_digits = excluded.phone_digits,
         username_lc = excluded.username_lc, body = excluded.body`,
      [
        data.callers.map((c) => c.id),
        data.callers.map((c) => normalizeSearchText(c.name)),
        data.callers.map((c) => phoneDigits(c.phone)),
        data.callers.map((c) => c.username.toLowerCase()),
        data.callers.map((c) => JSON.stringify(c)),
      ],
    )
  }
  const settings = [
    ['priority_policy', data.policy],
    ['business_calendar', data.calendar],
    ['follow_up', data.followUp],
  ].filter(([, value]) => value !== undefined)
  for (const [key, value] of settings) {
    await tx.query(
      `INSERT INTO settings (key, value) VALUES ($1, $2::jsonb)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      [key, JSON.stringify(value)],
    )
  }
  if (data.majorIncidents) {
    await tx.query(
      `INSERT INTO settings (key, value) VALUES ('major_incidents', $1::jsonb)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      [JSON.stringify(data.majorIncidents)],
    )
  }
  // Guidance that points at no team would send an agent's warm transfer nowhere.
  const dangling = await tx.query<{ id: string; team: string }>(
    `SELECT g.id, g.body->>'teamId' AS team FROM routing_guidance g
      WHERE NOT EXISTS (SELECT 1 FROM teams t WHERE t.id = g.body->>'teamId') ORDER BY g.id`,
  )
  if (dangling.length) {
    throw new ApiError(
      400,
      'unknown_team',
      `Routing guidance refers to teams that do not exist: ${dangling.map((d) => `${d.id} → ${d.team}`).join(', ')}.`,
    )
  }
  return {
    teams: data.teams.length,
    routingGuidance: data.routingGuidance.length,
    templates: data.templates.length,
    callers: data.callers.length,
    policy: data.policy !== undefined,
    calendar: data.calendar !== undefined,
    followUp: data.followUp !== undefined,
  }
}

/** What an import or a console save changed, by id (callers by count: there may be thousands). */
export function directoryAudit(actor: string, data: DirectoryImport): AuditRecord {
  const ids = (items: readonly { id: string }[]) => items.map((i) => i.id)
  return {
    actor,
    action: 'directory.saved',
    target: 'directory',
    detail: {
      ...(data.teams.length ? { teams: ids(data.teams) } : {}),
      ...(data.routingGuidance.length ? { routingGuidance: ids(data.routingGuidance) } : {}),
      ...(data.templates.length ? { templates: ids(data.templates) } : {}),
      ...(data.callers.length ? { callers: data.callers.length } : {}),
      ...(data.policy ? { policy: data.policy } : {}),
      ...(data.calendar ? { calendar: data.calendar } : {}),
      ...(data.followUp ? { followUp: data.followUp } : {}),
      ...(data.majorIncidents ? { majorIncidents: data.majorIncidents } : {}),
    },
  }
}

const SECTION_TABLES = {
  teams: 'teams',
  routingGuidance: 'routing_guidance',
  templates: 'call_templates',
} as const satisfies Record<DirectorySection, string>

/** Deletes one entry; a team that routing guidance still sends calls to stays (409). */
export async function deleteDirectoryEntry(
  db: Database,
  actor: string,
  input: { section: DirectorySection; id: string },
  now: number,
): Promise<void> {
  await db.transaction(async (tx) => {
    if (input.section === 'teams') {
      const using = await tx.query<{ id: string }>(
        `SELECT id FROM routing_guidance WHERE body->>'teamId' = $1 ORDER BY id`,
        [input.id],
      )
      if (using.length) {
        throw new ApiError(
          409,
          'team_in_use',
          `id: routing guidance still sends calls to this team (${using.map((u) => u.id).join(', ')}); change it first.`,
        )
      }
    }
    const rows = await tx.query(
      `DELETE FROM ${SECTION_TABLES[input.section]} WHERE id = $1 RETURNING id`,
      [input.id],
    )
    if (!rows.length)
      throw new ApiError(404, 'unknown_entry', `id: there is no "${input.id}" here.`)
    await recordAudit(
      tx,
      { actor, action: 'directory.deleted', target: input.section, detail: { id: input.id } },
      now,
    )
  })
}

/**
 * The policy every fold on the server uses, as one jsonb value: the targets with the calendar and
 * the follow-up settings merged in from their own rows.
 */
export const POLICY_SQL = `SELECT coalesce((SELECT value FROM settings WHERE key = 'priority_policy'), '{}'::jsonb)
  || jsonb_strip_nulls(jsonb_build_object(
       'calendar', (SELECT value FROM settings WHERE key = 'business_calendar'),
       'followUp', (SELECT value FROM settings WHERE key = 'follow_up')))`

/** The settings rows POLICY_SQL reads: a commit folded before the lock checks they are unchanged. */
export const POLICY_SETTINGS = ['priority_policy', 'business_calendar', 'follow_up']

/** The stored policy (a value from POLICY_SQL) over the defaults of what was never imported. */
export function policyFrom(value: unknown): PriorityPolicy {
  return priorityPolicySchema.parse({
    ...DEFAULT_PRIORITY_POLICY,
    ...(typeof value === 'object' && value !== null ? value : {}),
  })
}

/**
 * The policy as parsed for the stored text it was parsed from (POLICY_SQL as text): it changes
 * only when an administrator imports one, and parsing it (its calendar's time zone above all)
 * cost ~0.7 ms of this process's thread on every commit.
 */
let parsedPolicy: { text: string; policy: PriorityPolicy } | undefined
export function policyOfText(text: string): PriorityPolicy {
  if (parsedPolicy?.text !== text)
    parsedPolicy = { text, policy: policyFrom(JSON.parse(text) as unknown) }
  return parsedPolicy.policy
}

export async function priorityPolicy(db: Queryable): Promise<PriorityPolicy> {
  const [row] = await db.query<{ value: unknown }>(`SELECT (${POLICY_SQL}) AS value`)
  return policyFrom(row?.value)
}

export async function majorIncidentSettings(db: Queryable): Promise<MajorIncidentSettings> {
  const [row] = await db.query<{ value: unknown }>(
    `SELECT value FROM settings WHERE key = 'major_incidents'`,
  )
  return row ? majorIncidentSettingsSchema.parse(row.value) : DEFAULT_MAJOR_INCIDENT_SETTINGS
}

/**
 * PRODUCT.md's default calendar, Monday to Friday 08:00–17:00 in the server's zone, recorded at
 * start unless an administrator imported one. Stored, not assumed, so every server process on the
 * database and every station folds with the same calendar whatever zone each host is in.
 */
export async function recordDefaultCalendar(db: Queryable, timeZone: string): Promise<void> {
  await db.query(
    `INSERT INTO settings (key, value) VALUES ('business_calendar', $1::jsonb) ON CONFLICT (key) DO NOTHING`,
    [JSON.stringify(defaultCalendar(timeZone))],
  )
}

export async function getDirectory(db: Queryable): Promise<DirectorySnapshot> {
  const bodies = async <T>(
    table: 'teams' | 'routing_guidance' | 'call_templates',
    schema: z.ZodType<T>,
  ) =>
    (await db.query<{ body: unknown }>(`SELECT body FROM ${table} ORDER BY id`)).map((r) =>
      schema.parse(r.body),
    )
  return {
    teams: await bodies('teams', teamSchema),
    routingGuidance: await bodies('routing_guidance', routingGuidanceSchema),
    templates: await bodies('call_templates', callTemplateSchema),
    policy: await priorityPolicy(db),
    users: await listUsers(db),
    majorIncidents: await majorIncidentSettings(db),
  }
}

const likeEscape = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`)
const MAX_CALLERS = 20

/** Callers by phone digits (any part of the number), name (any part) or user name (its start). */
export async function searchCallers(db: Queryable, q: string): Promise<CallerRecord[]> {
  const digits = phoneDigits(q)
  const rows =
    digits.length >= 3 && digits.length >= q.replace(/[\s()+.-]/g, '').length
      ? await db.query<{ body: unknown }>(
          `SELECT body FROM callers WHERE phone_digits LIKE '%' || $1 || '%' ORDER BY name_lc LIMIT $2`,
          [likeEscape(digits), MAX_CALLERS],
        )
      : await db.query<{ body: unknown }>(
          `SELECT body FROM callers WHERE name_lc LIKE '%' || $1 || '%' OR username_lc LIKE $2 || '%'
            ORDER BY name_lc LIMIT $3`,
          [
            likeEscape(normalizeSearchText(q.trim())),
            likeEscape(q.trim().toLowerCase()),
            MAX_CALLERS,
          ],
        )
  return rows.map((r) => callerRecordSchema.parse(r.body))
}
