/**
 * The process rules as commands. A command looks at the ticket as this station knows it and either
 * produces the events that carry out the action, or refuses with reasons an agent can act on. Each
 * rule names the PRODUCT.md rule it implements. The fold (fold.ts) stays the judge for concurrent
 * histories: what a command allowed here may still turn out to be a conflict once other stations'
 * events arrive, and is then recorded as such.
 */
export * from './command'
export * from './logging'
export * from './notes'
export * from './escalation'
export * from './resolution'
export * from './parent-link'
export * from './ownership'
