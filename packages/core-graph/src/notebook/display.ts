/**
 * The notebook's display, found at run time and never imported: under the tslab kernel every
 * cell runs with `globalThis.__tslab__.require`, whose `require('tslab')` is the running
 * kernel's module with `display` (one output now) and `newDisplay()` (an output that later
 * calls overwrite: how progress updates in place). Anywhere else there is no display and
 * callers fall back to text. Nothing here imports Node modules, so browsers load it too.
 */

/** One rich output of the notebook (tslab's `Display`, the part we use). */
export interface NotebookDisplay {
  html(s: string): void;
  svg(s: string): void;
  text(s: string): void;
}

/** The notebook's display functions: `display` writes a new output, `newDisplay()` one that updates in place. */
export interface Notebook {
  readonly display: NotebookDisplay;
  newDisplay(): NotebookDisplay;
}

interface TslabGlobal {
  __tslab__?: { require?: (id: string) => unknown };
}

let override: Notebook | null | undefined;

/** Replaces the detected notebook (tests; `null`: behave as outside any notebook); `undefined` restores detection. */
export function setNotebook(nb: Notebook | null | undefined): void {
  override = nb;
}

/** The running notebook's display (tslab), or undefined outside a notebook. Never throws. */
export function notebook(): Notebook | undefined {
  if (override !== undefined) return override ?? undefined;
  try {
    const req = (globalThis as TslabGlobal).__tslab__?.require;
    if (typeof req !== 'function') return undefined;
    const tslab = req('tslab') as Partial<Notebook> | undefined;
    if (tslab === undefined || typeof tslab.newDisplay !== 'function' || typeof tslab.display?.html !== 'function') return undefined;
    return tslab as Notebook;
  } catch {
    return undefined;
  }
}

/**
 * Shows `html` as a rich output when a notebook is running; true when it did. A display that
 * fails (tslab refuses outside a running cell) is not an error: the caller prints its text.
 */
export function showHtml(html: string): boolean {
  const nb = notebook();
  if (nb === undefined) return false;
  try {
    nb.display.html(html);
    return true;
  } catch {
    return false;
  }
}

/**
 * What util.inspect hooks return for a value with an HTML form: in a notebook, at the top of an
 * inspect (the cell's last value, or `console.log(x)`), the HTML is shown as a rich output and
 * the text follows on one line; nested inside another value, and outside notebooks, only the text.
 */
export function inspectWithHtml(depth: unknown, options: unknown, text: () => string, html: () => string): string {
  const top = typeof depth !== 'number' || (typeof options === 'object' && options !== null && (options as { depth?: unknown }).depth === depth);
  if (top && notebook() !== undefined) {
    let h: string | undefined;
    try {
      h = html();
    } catch {
      h = undefined;
    }
    if (h !== undefined) showHtml(h);
  }
  return text();
}
