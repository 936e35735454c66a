/**
 * What the console edits in each directory section: its schema (the server's own), the fields of
 * its form and the columns of its list. Form values are strings; `number` fields are turned into
 * numbers before the schema checks them, so the check is the same one the server makes.
 */
import type { z } from 'zod'
import {
  callTemplateSchema,
  routingGuidanceSchema,
  teamSchema,
  type CallTemplate,
  type RoutingGuidance,
  type Team,
} from '../../../shared/directory'
import type { DirectorySection } from '../../../shared/sync/admin-wire'

export interface FieldSpec {
  key: string
  label: string
  kind?: 'text' | 'block' | 'number' | 'check' | 'team'
  /** For `number` fields: the choices. */
  choices?: readonly number[]
}

export interface SectionSpec {
  title: string
  /** "team", "routing rule": in buttons and messages. */
  noun: string
  schema: z.ZodType
  fields: readonly FieldSpec[]
  columns: readonly string[]
}

type Entry = Team | RoutingGuidance | CallTemplate
export type FormValues = Record<string, string | boolean>

const LEVELS = [1, 2, 3, 4] as const

export const SECTIONS: Record<DirectorySection, SectionSpec> = {
  teams: {
    title: 'Teams',
    noun: 'team',
    schema: teamSchema,
    fields: [
      { key: 'id', label: 'Id' },
      { key: 'name', label: 'Name' },
      { key: 'tier', label: 'Tier', kind: 'number', choices: [1, 2, 3] },
      { key: 'warmTransferPhone', label: 'Warm-transfer phone' },
      { key: 'email', label: 'Email' },
      { key: 'hours', label: 'Hours' },
      { key: 'description', label: 'Description', kind: 'block' },
    ],
    columns: ['id', 'name', 'warmTransferPhone', 'hours'],
  },
  routingGuidance: {
    title: 'Routing guidance',
    noun: 'routing rule',
    schema: routingGuidanceSchema,
    fields: [
      { key: 'id', label: 'Id' },
      { key: 'service', label: 'Service' },
      { key: 'category', label: 'Category (empty: the whole service)' },
      { key: 'teamId', label: 'Team', kind: 'team' },
      { key: 'kbReference', label: 'KB reference' },
      { key: 'notes', label: 'Notes', kind: 'block' },
    ],
    columns: ['id', 'service', 'category', 'teamId'],
  },
  templates: {
    title: 'Call templates',
    noun: 'template',
    schema: callTemplateSchema,
    fields: [
      { key: 'id', label: 'Id' },
      { key: 'label', label: 'Label' },
      { key: 'title', label: 'Title' },
      { key: 'service', label: 'Service' },
      { key: 'category', label: 'Category' },
      { key: 'subcategory', label: 'Subcategory' },
      { key: 'impact', label: 'Impact', kind: 'number', choices: LEVELS },
      { key: 'urgency', label: 'Urgency', kind: 'number', choices: LEVELS },
      { key: 'accountMatter', label: 'Account matter (identity check, rule 3)', kind: 'check' },
      { key: 'description', label: 'Description', kind: 'block' },
    ],
    columns: ['id', 'label', 'service', 'category'],
  },
}

/** The form's starting values: the entry's, or blanks (numbers at their first choice). */
export function formValues(spec: SectionSpec, entry: Entry | null): FormValues {
  const source = (entry ?? {}) as Record<string, unknown>
  return Object.fromEntries(
    spec.fields.map((f) => {
      const value = source[f.key]
      if (f.kind === 'check') return [f.key, value === true]
      if (f.kind === 'number') return [f.key, String(value ?? f.choices![f.choices!.length - 1])]
      return [f.key, typeof value === 'string' ? value : '']
    }),
  )
}

/** The values as the schema reads them. */
export function entryOf(spec: SectionSpec, values: FormValues): Record<string, unknown> {
  return Object.fromEntries(
    spec.fields.map((f) => [f.key, f.kind === 'number' ? Number(values[f.key]) : values[f.key]]),
  )
}
