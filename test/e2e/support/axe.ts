/**
 * Issue 10, item 10: every screen and dialog the e2e suite reaches is checked by axe-core for
 * WCAG 2.1 A/AA problems, and none of impact serious or critical may remain. The specs call
 * `expectAccessible` right after a screen or dialog is on view, so a failure names where it was.
 */
import AxeBuilder from '@axe-core/playwright'
import { expect, test, type Page } from '@playwright/test'

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']
const BLOCKING = new Set(['serious', 'critical'])

/** Fails with every serious or critical axe violation on the page as it is now, by rule and node. */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  await test.step(`axe: ${where}`, async () => {
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
