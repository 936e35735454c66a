/**
 * Issue 10, item 10: every screen and dialog the e2e suite reaches is checked by axe-core for
 * WCAG 2.1 A/AA problems, and none of impact serious or critical may remain. The specs call
 * `expectAccessible` right after a screen or dialog is on view, so a failure names where it was.
 */
import { expect, test, type Page } from '@playwright/test'

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']
const BLOCKING = new Set(['serious', 'critical'])

interface AxeViolation {
  id: string
  impact?: string | null
  help: string
  nodes: { target: unknown[]; failureSummary?: string }[]
}
interface AxeBuilderLike {
  withTags(tags: string[]): AxeBuilderLike
  analyze(): Promise<{ violations: AxeViolation[] }>
}
type AxeBuilderClass = new (options: { page: Page }) => AxeBuilderLike

// The package is named at run time, not imported: it is not yet among the devDependencies
// (`npm i -D @axe-core/playwright@4.14.x`), and the typecheck must not depend on it until it is.
// Once it is installed, `import AxeBuilder from '@axe-core/playwright'` replaces this and the
// local types above.
const AXE_PACKAGE: string = '@axe-core/playwright'

let builder: Promise<AxeBuilderClass> | null = null
function axeBuilder(): Promise<AxeBuilderClass> {
  builder ??= import(AXE_PACKAGE).then(
    (module: { default: AxeBuilderClass }) => module.default,
    (error: unknown) => {
      throw new Error(
        `the accessibility check needs ${AXE_PACKAGE}: npm i -D ${AXE_PACKAGE}@4.14.x (${String(error)})`,
      )
    },
  )
  return builder
}

/** Fails with every serious or critical axe violation on the page as it is now, by rule and node. */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  await test.step(`axe: ${where}`, async () => {
    const AxeBuilder = await axeBuilder()
    const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze()
    const blocking = violations
      .filter((v) => BLOCKING.has(v.impact ?? ''))
      .map(
        (v) =>
          `${v.impact} ${v.id} (${v.help}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
      )
    expect(blocking, `serious or critical accessibility violations on ${where}`).toEqual([])
  })
}
