/** `?`: every shortcut of the desk, read from the one table the handlers use. */
import { Dialog } from '../ui/Dialog'
import { SHORTCUTS, SUPERVISOR_GROUPS, type ShortcutGroup } from '../ui/shortcuts'

const GROUPS: ShortcutGroup[] = ['Anywhere', 'Call intake', 'Ticket', 'Supervisor', 'Live queue']

export function ShortcutOverlay({
  onClose,
  supervisor = false,
}: {
  onClose: () => void
  /** The supervisors' screens' keys are listed to those who have the screens. */
  supervisor?: boolean
}) {
  const all = Object.values(SHORTCUTS)
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose} wide>
      <div className="shortcuts">
        {GROUPS.filter((group) => supervisor || !SUPERVISOR_GROUPS.includes(group)).map((group) => (
          <section key={group} aria-label={group}>
            <h3>{group}</h3>
            <dl>
              {all
                .filter((s) => s.group === group)
                .map((s) => (
                  <div key={`${s.keys}${s.description}`} className="shortcuts__row">
                    <dt>
                      <kbd>{s.keys}</kbd>
                    </dt>
                    <dd>{s.description}</dd>
                  </div>
                ))}
            </dl>
          </section>
        ))}
      </div>
      <p className="muted">
        A templated call: <kbd>Ctrl+N</kbd>, the caller’s phone or name, <kbd>Enter</kbd>, the
        template’s digit, <kbd>Ctrl+Enter</kbd>.
      </p>
    </Dialog>
  )
}
