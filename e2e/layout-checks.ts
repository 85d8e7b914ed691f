import type { Page } from '@playwright/test';

/**
 * Geometry and colour checks of the real window, run in the page. Each returns the problems found, in words, so a
 * failing test says what is wrong where.
 */

/** Every visible interactive element is inside the window and the topmost element at its own centre (scrolled into
 * view first when it sits in a scrolling list, as a person would scroll to it). */
export async function coveredOrOutside(page: Page, scope = 'body', least = 10): Promise<string[]> {
  return page.evaluate(
    ([scope, least]) => {
      const name = (el: Element) =>
        (el.getAttribute('aria-label') || el.textContent || el.getAttribute('placeholder') || el.tagName)
          .trim()
          .replace(/\s+/g, ' ')
          .slice(0, 50);
      const scrolls = (el: HTMLElement): boolean => {
        for (let p = el.parentElement; p; p = p.parentElement) {
          const s = getComputedStyle(p);
          if (/(auto|scroll)/.test(s.overflowX + s.overflowY) && (p.scrollWidth > p.clientWidth || p.scrollHeight > p.clientHeight))
            return true;
        }
        return false;
      };
      const problems: string[] = [];
      const all = document
        .querySelector(scope)!
        .querySelectorAll<HTMLElement>('button, input, select, textarea, a[href], summary, [tabindex="0"], [role="separator"]');
      let checked = 0;
      for (const el of all) {
        if (el.getClientRects().length === 0 || getComputedStyle(el).visibility === 'hidden') continue;
        if (el.closest('[aria-hidden="true"]')) continue;
        // The inside of a closed menu (<details>) is not shown, whatever its boxes say.
        const closed = el.closest('details:not([open])');
        if (closed && el !== closed.querySelector(':scope > summary')) continue;
        if (scrolls(el)) el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        checked++;
        if (r.left < -0.5 || r.top < -0.5 || r.right > window.innerWidth + 0.5 || r.bottom > window.innerHeight + 0.5) {
          problems.push(
            `"${name(el)}" is outside the window (${Math.round(r.left)},${Math.round(r.top)}–${Math.round(r.right)},${Math.round(r.bottom)})`,
          );
          continue;
        }
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        if (!hit || !(hit === el || el.contains(hit)))
          problems.push(
            `"${name(el)}" is under ${hit ? `${hit.tagName.toLowerCase()}.${String(hit.className)} "${name(hit)}"` : 'nothing'}`,
          );
      }
      return checked < least ? [`only ${checked} controls were checked`] : problems;
    },
    [scope, least] as const,
  );
}

/** Text a person reads that is cut: an element narrower than its own content (scrollWidth > clientWidth). */
export async function clippedText(page: Page, selectors: string): Promise<string[]> {
  return page.evaluate((selectors) => {
    const problems: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>(selectors)) {
      if (el.getClientRects().length === 0 || el.clientWidth === 0) continue;
      if (el.scrollWidth > el.clientWidth + 1)
        problems.push(
          `"${(el.textContent ?? '').trim().slice(0, 40)}" (${el.className}) is cut: ${el.scrollWidth} px of text in ${el.clientWidth} px`,
        );
    }
    return problems;
  }, selectors);
}

/** WCAG AA: every visible piece of text against what is painted behind it (4.5:1, 3:1 for large text); disabled
 * controls and placeholders are exempt, as WCAG says. */
export async function lowContrast(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    type RGBA = [number, number, number, number];
    const parse = (c: string): RGBA => {
      const m = c.match(/rgba?\(([^)]+)\)/);
      if (!m) return [0, 0, 0, 0];
      const p = m[1]
        .split(/[ ,/]+/)
        .filter(Boolean)
        .map(Number);
      return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
    };
    const over = (top: RGBA, under: RGBA): RGBA => {
      const a = top[3] + under[3] * (1 - top[3]);
      if (a === 0) return [0, 0, 0, 0];
      return [0, 1, 2].map((i) => (top[i] * top[3] + under[i] * under[3] * (1 - top[3])) / a).concat(a) as RGBA;
    };
    const background = (el: Element): RGBA => {
      const layers: RGBA[] = [];
      for (let p: Element | null = el; p; p = p.parentElement) {
        const bg = parse(getComputedStyle(p).backgroundColor);
        if (bg[3] > 0) layers.push(bg);
        if (bg[3] >= 1) break;
      }
      let result: RGBA = [255, 255, 255, 1];
      for (const layer of layers.reverse()) result = over(layer, result);
      return result;
    };
    const lum = ([r, g, b]: RGBA) => {
      const f = (v: number) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const problems = new Set<string>();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent?.trim();
      const el = node.parentElement;
      if (!text || !el || el.getClientRects().length === 0) continue;
      const closed = el.closest('details:not([open])');
      if (closed && !el.closest('summary')) continue;
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || Number(style.opacity) === 0 || el.closest('[aria-hidden="true"], option, script, style'))
        continue;
      if (el.closest('button:disabled, input:disabled, select:disabled, [aria-disabled="true"]')) continue;
      const r = el.getBoundingClientRect();
      if (r.bottom < 0 || r.top > window.innerHeight || r.right < 0 || r.left > window.innerWidth) continue;
      let opacity = 1;
      for (let p: Element | null = el; p; p = p.parentElement) opacity *= Number(getComputedStyle(p).opacity);
      const bg = background(el);
      const fg = over([...parse(style.color).slice(0, 3), parse(style.color)[3] * opacity] as RGBA, bg);
      const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
      const ratio = (a + 0.05) / (b + 0.05);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5))
        problems.add(`"${text.slice(0, 30)}" (${el.tagName.toLowerCase()}.${String(el.className)}) ${ratio.toFixed(2)}:1`);
    }
    return [...problems];
  });
}
