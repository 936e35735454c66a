/**
 * Requests from an OpenAPI document: fast-check arbitraries for values that match a JSON Schema
 * (as the served document states it), and mutations that make them hostile — text PostgreSQL
 * cannot store, huge and invisible text, wrong types, extra members, deep nesting, big arrays.
 */
import fc from 'fast-check'

export type JsonSchema = Record<string, unknown> & {
  $ref?: string
  type?: string | string[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  items?: JsonSchema
  oneOf?: JsonSchema[]
  anyOf?: JsonSchema[]
  allOf?: JsonSchema[]
  enum?: unknown[]
}

/** Valid-shaped arrays stay short; the big ones come from the mutations. */
const MAX_ITEMS = 4
const MAX_STRING = 24

const HUGE = 'x'.repeat(300_000)

/** Lone surrogates and NUL: what PostgreSQL's text and jsonb cannot hold. */
const UNSTORABLE_STRINGS = ['\ud800', 'a\udfffb', '\udbff\ud800', '\u0000', 'x\u0000y']

/** Text a database or a replica may choke on, and text that merely looks odd. */
export const HOSTILE_STRINGS: readonly string[] = [
  ...UNSTORABLE_STRINGS,
  '\uffff\ufffe',
  '\u001b[31m\u0007',
  HUGE,
  '\u202eevil\u202c\u200f',
  '\u200b\u200d\ufeff',
  '👩‍💻🏳️‍🌈𝕏',
  '',
  ' ',
  '\r\n\t',
  "'; DROP TABLE events; --",
  '%00%ed%a0%80',
  '../../../etc/passwd',
  '__proto__',
  'null',
  '9'.repeat(400),
]

function deep(levels: number, leaf: unknown, asArray: boolean): unknown {
  let value = leaf
  for (let i = 0; i < levels; i++) value = asArray ? [value] : { a: value }
  return value
}

export const HOSTILE_VALUES: readonly unknown[] = [
  ...HOSTILE_STRINGS,
  0,
  -1,
  1.5,
  -0,
  1e308,
  2 ** 53 + 2,
  true,
  false,
  null,
  {},
  [],
  { __proto__: { admin: true } },
  deep(1000, 'bottom', true),
  deep(1000, null, false),
  Array.from({ length: 2000 }, (_, i) => i),
  Array.from({ length: 600 }, () => ({ id: '\ud800' })),
]

export const hostileValue = fc.constantFrom(...HOSTILE_VALUES)
export const hostileString = fc.constantFrom(...HOSTILE_STRINGS)

export function resolve(doc: unknown, ref: string): JsonSchema {
  let node = doc as Record<string, unknown>
  for (const part of ref.replace(/^#\//, '').split('/'))
    node = node[part.replace(/~1/g, '/').replace(/~0/g, '~')] as Record<string, unknown>
  if (!node) throw new Error(`unresolved $ref ${ref}`)
  return node as JsonSchema
}

function stringOf(schema: JsonSchema): fc.Arbitrary<string> {
  const min = (schema.minLength as number | undefined) ?? 0
  const max = Math.max(min, Math.min((schema.maxLength as number | undefined) ?? MAX_STRING, 60))
  if (schema.format === 'date-time')
    return fc.date({ noInvalidDate: true }).map((d) => d.toISOString())
  // What zod's email check accepts (its pattern has look-aheads fast-check cannot invert).
  if (schema.format === 'email')
    return fc
      .tuple(fc.stringMatching(/^[a-z0-9]{1,12}$/), fc.constantFrom('example.edu', 'it.test.org'))
      .map(([local, domain]) => `${local}@${domain}`)
  if (typeof schema.pattern === 'string') {
    try {
      return fc
        .stringMatching(new RegExp(schema.pattern))
        .filter((s) => s.length <= ((schema.maxLength as number) ?? Infinity))
    } catch {
      // A pattern fast-check cannot invert: plain strings, which the server may refuse.
    }
  }
  return fc.string({ minLength: min, maxLength: max, unit: 'grapheme' })
}

function numberOf(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const lo = Math.max((schema.minimum as number | undefined) ?? -1e6, -(2 ** 31))
  const hi = Math.min((schema.maximum as number | undefined) ?? 1e6, 2 ** 31 - 1)
  return integer
    ? fc.integer({ min: Math.ceil(lo), max: Math.floor(hi) })
    : fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true })
}

/** Values that match `schema` as far as JSON Schema says (refinements it cannot state aside). */
export function arbitraryOf(schema: JsonSchema, doc: unknown): fc.Arbitrary<unknown> {
  if (schema.$ref) return arbitraryOf(resolve(doc, schema.$ref), doc)
  if ('const' in schema) return fc.constant(schema.const)
  if (schema.enum) return fc.constantFrom(...schema.enum)
  const choices = schema.oneOf ?? schema.anyOf
  if (choices) return fc.oneof(...choices.map((s) => arbitraryOf(s, doc)))
  if (schema.allOf) return arbitraryOf(schema.allOf[0]!, doc)
  const type = Array.isArray(schema.type)
    ? schema.type
    : schema.type
      ? [schema.type]
      : schema.properties
        ? ['object']
        : []
  if (!type.length) return fc.jsonValue({ maxDepth: 2 })
  return fc.oneof(
    ...type.map((t): fc.Arbitrary<unknown> => {
      switch (t) {
        case 'string':
          return stringOf(schema)
        case 'integer':
          return numberOf(schema, true)
        case 'number':
          return numberOf(schema, false)
        case 'boolean':
          return fc.boolean()
        case 'null':
          return fc.constant(null)
        case 'array': {
          const minLength = (schema.minItems as number | undefined) ?? 0
          const maxLength = Math.max(
            minLength,
            Math.min((schema.maxItems as number | undefined) ?? MAX_ITEMS, MAX_ITEMS),
          )
          return fc.array(schema.items ? arbitraryOf(schema.items, doc) : fc.jsonValue(), {
            minLength,
            maxLength,
          })
        }
        case 'object': {
          const properties = schema.properties ?? {}
          const model = Object.fromEntries(
            Object.entries(properties).map(([k, s]) => [k, arbitraryOf(s, doc)]),
          )
          return fc.record(model, { requiredKeys: schema.required ?? [] })
        }
        default:
          throw new Error(`schema type ${t} not handled`)
      }
    }),
  )
}

/** One way of making a value hostile, applied at a node picked by `path` choices. */
export type Mutation =
  | { kind: 'replace'; path: number[]; value: unknown }
  | { kind: 'extra'; path: number[]; key: string; value: unknown }
  | { kind: 'drop'; path: number[] }
  | { kind: 'nest'; path: number[]; levels: number }
  | { kind: 'repeat'; path: number[]; times: number }
  | { kind: 'text'; pick: number; value: string }

/** Hostile text where text belongs: the rest of the value stays as it was. */
export const textMutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constant('text' as const),
  // Unbiased: a small-biased pick would hit the same first members every time.
  pick: fc.noBias(fc.nat()),
  value: fc.oneof(fc.constantFrom(...UNSTORABLE_STRINGS), hostileString),
})

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 5, arbitrary: textMutation },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('replace' as const),
      path: fc.array(fc.noBias(fc.nat()), { maxLength: 6 }),
      value: hostileValue,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('extra' as const),
      path: fc.array(fc.noBias(fc.nat()), { maxLength: 6 }),
      key: fc.constantFrom('extra', '__proto__', 'constructor', '', '\ud800', 'x'.repeat(5000)),
      value: hostileValue,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('drop' as const),
      path: fc.array(fc.noBias(fc.nat()), { minLength: 1, maxLength: 6 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('nest' as const),
      path: fc.array(fc.noBias(fc.nat()), { maxLength: 6 }),
      levels: fc.integer({ min: 50, max: 1000 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('repeat' as const),
      path: fc.array(fc.noBias(fc.nat()), { maxLength: 4 }),
      times: fc.integer({ min: 100, max: 1500 }),
    }),
  },
)

/** Every string member of a JSON value, found without recursion (values may be deep). */
function stringLeaves(root: Record<string, unknown>) {
  const leaves: { parent: Record<string | number, unknown>; key: string | number }[] = []
  const stack: unknown[] = [root]
  while (stack.length) {
    const node = stack.pop()
    if (node === null || typeof node !== 'object') continue
    for (const [key, child] of Object.entries(node)) {
      if (typeof child === 'string') leaves.push({ parent: node as Record<string, unknown>, key })
      else stack.push(child)
    }
  }
  return leaves
}

const clone = (value: unknown): unknown =>
  value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown)

/** The value with one mutation applied; the original is left alone. */
export function mutate(value: unknown, m: Mutation): unknown {
  const root = { v: clone(value) } as Record<string, unknown>
  if (m.kind === 'text') {
    const leaves = stringLeaves(root)
    const leaf = leaves[m.pick % Math.max(leaves.length, 1)]
    if (leaf) leaf.parent[leaf.key] = m.value
    return root.v
  }
  // Walk down by the choices while there are containers to enter.
  let parent: Record<string, unknown> | unknown[] = root
  let key: string | number = 'v'
  for (const choice of m.path) {
    const node: unknown = (parent as Record<string | number, unknown>)[key]
    if (node === null || typeof node !== 'object') break
    const keys: (string | number)[] = Array.isArray(node)
      ? node.map((_, i) => i)
      : Object.keys(node)
    if (!keys.length) break
    parent = node as Record<string, unknown>
    key = keys[choice % keys.length]!
  }
  const slot = parent as Record<string | number, unknown>
  switch (m.kind) {
    case 'replace':
      slot[key] = m.value
      break
    case 'extra': {
      const node = slot[key]
      if (node && typeof node === 'object' && !Array.isArray(node))
        Object.defineProperty(node, m.key, {
          value: m.value,
          enumerable: true,
          configurable: true,
          writable: true,
        })
      else slot[key] = { [m.key]: m.value, value: node }
      break
    }
    case 'drop':
      if (Array.isArray(slot)) slot.splice(key as number, 1)
      else delete slot[key]
      break
    case 'nest':
      slot[key] = deep(m.levels, slot[key], m.levels % 2 === 0)
      break
    case 'repeat':
      slot[key] = Array.from({ length: m.times }, () => slot[key])
      break
  }
  return root.v
}
