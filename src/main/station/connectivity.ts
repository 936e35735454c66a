/**
 * Whether the central server is reachable, as the station last saw it. Two signals feed it: the
 * outcome of every HTTP request and the state of the live socket. Listeners hear transitions,
 * which is when the agent resumes pushing and asks the renderer to pull.
 */
export type Reachability = 'online' | 'offline'

export class Connectivity {
  private state: Reachability = 'offline'
  private error: string | null = null
  private readonly listeners = new Set<(state: Reachability) => void>()

  get current(): Reachability {
    return this.state
  }

  /** The last problem in plain words, or null while the server answers. */
  get lastError(): string | null {
    return this.error
  }

  reachable(): void {
    this.error = null
    this.set('online')
  }

  unreachable(reason: string): void {
    this.error = reason
    this.set('offline')
  }

  onChange(listener: (state: Reachability) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private set(state: Reachability): void {
    if (state === this.state) return
    this.state = state
    for (const listener of this.listeners) listener(state)
  }
}
