/**
 * The renderer for `application/vnd.ml-lint-nb.findings+json`: the same
 * collapsible block as the HTML representation, but drawn with the theme's
 * variables and wired to the notebook (related cells scroll, rule pages load
 * on demand, rules can be silenced). Every string from the payload goes in
 * as text, never as HTML: messages quote the user's column names.
 */

import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { Widget } from '@lumino/widgets';

import { NotebookFindings, fetchRulePage } from './store';
import {
  IEvidence,
  IFinding,
  IImpact,
  MIME_TYPE,
  countBySeverity,
  countSummary,
  findingsOf,
  notesOf,
  rank,
  readFindings,
  severityIcon
} from './types';

/** Finds the findings store of the notebook a node lives in (null outside notebooks). */
export type StoreLocator = (node: HTMLElement) => NotebookFindings | null;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className = '',
  text?: string
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

type Place = {
  cell?: number | null;
  cell_id?: string | null;
  line?: number | null;
  execution_count?: number | null;
};

/**
 * How the notebook names a place: by the prompt of its cell as the user sees
 * it now (`cell [7], line 2`), by its position before it ran (`cell 8`);
 * from the payload alone when the notebook is not at hand. Never both.
 */
export function placeText(store: NotebookFindings | null, loc: Place, fallback?: Place): string {
  const line = typeof loc.line === 'number' ? `, line ${loc.line}` : '';
  if (store) {
    let index = store.indexOf(loc);
    if (index < 0 && fallback && loc.cell == null && !loc.cell_id && loc.execution_count == null) {
      index = store.indexOf(fallback); // a related place with no cell of its own is in the finding's
    }
    if (index >= 0) {
      return store.placeLabel(index, loc.line);
    }
  }
  if (typeof loc.execution_count === 'number') {
    return `cell [${loc.execution_count}]${line}`;
  }
  if (typeof loc.cell === 'number') {
    return `cell ${loc.cell}${line}`;
  }
  return line ? `line ${loc.line}` : '';
}

function dataText(value: unknown): string {
  if (value === null || value === undefined) {
    return '';
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Evidence as a table: source, what was seen, and its data as key = value lines. */
function evidenceTable(evidence: IEvidence[]): HTMLElement {
  const table = el('table', 'mlnb-evidence');
  const head = el('tr');
  for (const name of ['source', 'evidence', 'data']) {
    head.appendChild(el('th', '', name));
  }
  table.appendChild(el('thead')).appendChild(head);
  const body = table.appendChild(el('tbody'));
  for (const ev of evidence) {
    const row = body.appendChild(el('tr'));
    row.appendChild(el('td', 'mlnb-ev-source', ev.source ?? ''));
    const text = row.appendChild(el('td', 'mlnb-ev-text', ev.text ?? ''));
    if (ev.kind) {
      text.title = ev.kind;
    }
    const data = row.appendChild(el('td', 'mlnb-ev-data'));
    const entries = ev.data && typeof ev.data === 'object' ? Object.entries(ev.data) : [];
    for (const [key, value] of entries) {
      const line = data.appendChild(el('div'));
      line.appendChild(el('span', 'mlnb-ev-key', key));
      line.appendChild(document.createTextNode(` ${dataText(value)}`));
    }
  }
  return table;
}

/** A score as a reader compares two: three decimals in [-1, 1], else four significant digits. */
function scoreText(value: number): string {
  if (value >= -1 && value <= 1) {
    return value.toFixed(3);
  }
  return Math.abs(value) >= 10000 ? Math.round(value).toLocaleString('en-US') : value.toPrecision(4);
}

function signed(value: number): string {
  return (value >= 0 ? '+' : '-') + scoreText(Math.abs(value));
}

/** Which evaluation rows the two scores are on, as the text renderer says it. */
function rowsText(impact: IImpact): string {
  const n = impact.n_leaky;
  const m = impact.n_honest;
  const fmt = (x: number) => x.toLocaleString('en-US');
  if (impact.evaluation_rows === 'same' && typeof n === 'number') {
    return `the same ${fmt(n)} rows`;
  }
  if (impact.evaluation_rows === 'subset' && typeof n === 'number' && typeof m === 'number') {
    return `${fmt(m)} of the ${fmt(n)} rows`;
  }
  if (impact.evaluation_rows === 'new' && typeof m === 'number') {
    return `${fmt(m)} new rows for the honest score`;
  }
  return `${impact.evaluation_rows} rows`;
}

function differenceText(impact: IImpact): string {
  const interval = impact.interval;
  const shown = [impact.difference, ...(Array.isArray(interval) ? interval : [])];
  if (shown.every(v => typeof v === 'number' && Math.abs(v) < 0.0005)) {
    return 'no difference'; // at the precision a score is shown with
  }
  const parts: string[] = [];
  if (typeof impact.difference === 'number') {
    parts.push(signed(impact.difference));
  }
  if (Array.isArray(interval) && interval.length === 2) {
    const level = Math.round((impact.confidence ?? 0.9) * 100);
    parts.push(`${level}% interval ${signed(interval[0])} to ${signed(interval[1])}`);
  }
  return parts.join(', ');
}

/**
 * What a leak costs (measured by `%mlcheck impact`): the leaky score under what
 * it is, the honest one under its label, the verdict beside them; then the
 * difference with its noise, and how the honest refit was made.
 */
function impactBlock(impact: IImpact): HTMLElement {
  const box = el('div', 'mlnb-impact');
  const title = box.appendChild(el('div', 'mlnb-impact-title'));
  title.appendChild(el('b', '', 'Impact'));
  title.appendChild(document.createTextNode(`: ${impact.metric}`));
  const table = box.appendChild(el('table', 'mlnb-impact-table'));
  const head = table.appendChild(el('thead')).appendChild(el('tr'));
  for (const text of [impact.leaky_label || 'with the leak', impact.honest_label || 'without', 'verdict']) {
    head.appendChild(el('th', '', text));
  }
  const row = table.appendChild(el('tbody')).appendChild(el('tr'));
  row.appendChild(el('td', 'mlnb-impact-score mlnb-impact-leaky', scoreText(impact.leaky)));
  row.appendChild(el('td', 'mlnb-impact-score mlnb-impact-honest', scoreText(impact.honest)));
  row
    .appendChild(el('td'))
    .appendChild(el('span', `mlnb-verdict mlnb-verdict-${impact.verdict}`, impact.verdict));
  const detail = [differenceText(impact), rowsText(impact)];
  if (impact.note) {
    detail.unshift(impact.note);
  }
  box.appendChild(el('div', 'mlnb-muted mlnb-impact-detail', detail.filter(Boolean).join('; ')));
  box.appendChild(el('div', 'mlnb-muted mlnb-impact-method', impact.method));
  return box;
}

export class FindingsRenderer extends Widget implements IRenderMime.IRenderer {
  constructor(
    private locate: StoreLocator,
    private rendermime: IRenderMimeRegistry | null
  ) {
    super();
    this.addClass('mlnb-rendered');
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    this.payload = model.data[MIME_TYPE];
    this.draw();
  }

  protected onAfterAttach(): void {
    // Attached: now we know which notebook we are in, and can follow its silencing.
    const store = this.locate(this.node);
    if (store && store !== this.store) {
      this.store?.changed.disconnect(this.onStoreChanged, this);
      this.store = store;
      store.changed.connect(this.onStoreChanged, this);
      this.draw();
    }
  }

  dispose(): void {
    this.store?.changed.disconnect(this.onStoreChanged, this);
    super.dispose();
  }

  private onStoreChanged(): void {
    if (this.viewKey() !== this.lastView) {
      this.draw();
    }
  }

  /**
   * What the drawing depends on besides the payload: which codes are silenced,
   * and how the notebook names each place now (a cell run again has a new prompt).
   */
  private viewKey(): string {
    const store = this.store;
    if (!store) {
      return '';
    }
    return findingsOf(this.payload)
      .map(f =>
        [
          `${f.code}:${store.isSilenced(f.code) ?? ''}:${store.entryFor(f)?.finding.severity ?? ''}`,
          placeText(store, f),
          ...(f.related ?? []).map(r => placeText(store, r, f))
        ].join(';')
      )
      .join(',');
  }

  /** Draws the block; whatever the payload holds, the output shows something readable. */
  private draw(): void {
    try {
      this.drawBlock();
    } catch (err) {
      console.warn('ml-lint-nb: a findings output could not be drawn', err);
      this.node.textContent = '';
      this.node.appendChild(el('div', 'mlnb-muted', 'ml-lint-nb: this output could not be shown.'));
    }
  }

  private drawBlock(): void {
    const previous = this.node.querySelector('details.mlnb-block');
    const drawn = previous !== null;
    const wasOpen = previous?.hasAttribute('open');
    const openCodes = new Set(
      [...this.node.querySelectorAll('details.mlnb-finding[open]')].map(
        d => (d as HTMLElement).dataset.key
      )
    );
    this.node.textContent = '';
    this.lastView = this.viewKey();
    const { findings: read, dropped } = readFindings(this.payload);
    const findings = read.map(f => this.current(f)).sort(
      (a, b) => rank(b.severity) - rank(a.severity)
    );
    const shown = findings.filter(f => !this.store?.isSilenced(f.code));
    const notes = notesOf(this.payload);
    const block = el('details', 'mlnb-block');
    // a measured impact is what the reader asked for (%mlcheck impact): shown open at first
    const measured = findings.some(f => f.impact);
    if (wasOpen || (!drawn && measured)) {
      block.open = true;
    }
    const summary = block.appendChild(el('summary', 'mlnb-summary'));
    const counts = countBySeverity(shown);
    const top = shown.length ? shown[0].severity : null;
    if (top) {
      summary.appendChild(severityIcon(top));
      block.classList.add(`mlnb-sev-${top}`);
    }
    summary.appendChild(el('span', 'mlnb-label', 'ml-lint-nb'));
    const silenced = findings.length - shown.length;
    let text = shown.length ? countSummary(counts) : '';
    if (silenced) {
      text += `${text ? ', ' : ''}${silenced} silenced`;
    }
    if (dropped) {
      text += `${text ? ', ' : ''}${dropped} unreadable left out`;
    }
    if (!findings.length && notes.length) {
      text = notes.map(n => n.message).join('; ');
    }
    summary.appendChild(el('span', 'mlnb-counts', text));
    findings.forEach((f, i) => {
      const key = `${i}:${f.code}`;
      block.appendChild(this.findingBlock(f, key, openCodes.has(key) || (!drawn && !!f.impact)));
    });
    if (findings.length) {
      for (const n of notes) {
        block.appendChild(el('div', 'mlnb-note', n.message));
      }
    }
    this.node.appendChild(block);
  }

  private findingBlock(f: IFinding, key: string, open: boolean): HTMLElement {
    const silenced = this.store?.isSilenced(f.code) ?? null;
    const item = el('details', `mlnb-finding mlnb-sev-${f.severity}`);
    item.dataset.key = key;
    item.dataset.code = f.code;
    item.open = open && !silenced;
    const head = item.appendChild(el('summary', 'mlnb-finding-head'));
    head.appendChild(severityIcon(f.severity));
    head.appendChild(el('code', 'mlnb-code', f.code));
    head.appendChild(el('span', 'mlnb-name', f.name));
    if (silenced) {
      item.classList.add('mlnb-silenced');
      head.appendChild(
        el('span', 'mlnb-muted', silenced === 'session' ? 'silenced for this session' : 'silenced in this notebook')
      );
      return item;
    }
    head.appendChild(el('span', 'mlnb-message', f.message));
    if (f.impact) {
      head.appendChild(
        el('span', `mlnb-verdict mlnb-verdict-${f.impact.verdict}`, `impact: ${f.impact.verdict}`)
      );
    }
    const body = item.appendChild(el('div', 'mlnb-body'));
    const store = this.locate(this.node) ?? this.store;
    if (this.updated.has(f)) {
      body.appendChild(
        el('div', 'mlnb-muted mlnb-updated', `Now ${f.severity === 'info' ? 'info' : `a ${f.severity}`}: a later run or the saved file changed its severity.`)
      );
    }
    const loc = placeText(store, f);
    const sources = (f.sources ?? []).join(' + ');
    if (loc || sources) {
      const line = body.appendChild(el('div', 'mlnb-muted mlnb-where'));
      if (loc) {
        line.appendChild(this.jumpLink(loc, f, f));
      }
      if (sources) {
        line.appendChild(document.createTextNode(`${loc ? ' · ' : ''}${sources}`));
      }
    }
    if (f.impact) {
      body.appendChild(impactBlock(f.impact));
    }
    if (f.evidence?.length) {
      body.appendChild(evidenceTable(f.evidence));
    }
    if (f.fix) {
      const fix = body.appendChild(el('div', 'mlnb-fix'));
      fix.appendChild(el('b', '', 'Fix: '));
      fix.appendChild(document.createTextNode(f.fix));
    }
    if (f.related?.length) {
      const related = body.appendChild(el('div', 'mlnb-related'));
      related.appendChild(el('span', 'mlnb-muted', 'Related: '));
      const shown = new Set<string>();
      for (const r of f.related) {
        const text = `${placeText(store, r, f) || 'this cell'}${r.role ? ` (${r.role})` : ''}`;
        if (!shown.has(text)) {
          shown.add(text); // two places on one line (two calls) read as one
          related.appendChild(this.jumpLink(text, r, f));
        }
      }
    }
    const actions = body.appendChild(el('div', 'mlnb-actions'));
    const page = el('div', 'mlnb-rule-page');
    const ruleButton = actions.appendChild(el('button', 'mlnb-button mlnb-rule-button', 'Rule page'));
    ruleButton.onclick = () => void this.toggleRulePage(f.code, page, ruleButton);
    if (store) {
      const session = actions.appendChild(
        el('button', 'mlnb-button mlnb-silence-session', 'Silence for this session')
      );
      session.title = `Runs %mlcheck ignore ${f.code} in the kernel`;
      session.onclick = () => store.silenceForSession(f.code);
      const notebook = actions.appendChild(
        el('button', 'mlnb-button mlnb-silence-notebook', 'Silence in this notebook')
      );
      notebook.title = `Adds ${f.code} to the notebook metadata {"ml_lint_nb": {"ignore": [...]}}`;
      notebook.onclick = () => store.silenceForNotebook(f.code);
    }
    body.appendChild(page);
    return item;
  }

  /**
   * The finding with the severity the notebook gives it now: a later run may
   * have changed it (scores compared here, then chosen among in a later
   * cell), and the block, the panel and the markers tell one severity.
   */
  private current(f: IFinding): IFinding {
    const now = this.store?.entryFor(f)?.finding.severity;
    if (!now || now === f.severity) {
      return f;
    }
    const g = { ...f, severity: now };
    this.updated.add(g);
    return g;
  }

  /** A link that scrolls to a place's cell (a place with no cell of its own: the finding's). */
  private jumpLink(text: string, loc: Place, f: IFinding): HTMLElement {
    const link = el('a', 'mlnb-cell-link', text);
    link.href = '#';
    link.onclick = event => {
      event.preventDefault();
      const store = this.locate(this.node);
      if (store) {
        const index = store.indexOf(loc);
        store.jumpTo(index >= 0 ? index : store.indexOf(f), loc.line);
      }
    };
    return link;
  }

  private async toggleRulePage(code: string, page: HTMLElement, button: HTMLElement): Promise<void> {
    if (page.childElementCount) {
      page.textContent = '';
      button.textContent = 'Rule page';
      return;
    }
    button.textContent = 'Hide rule page';
    try {
      const markdown = await fetchRulePage(code);
      if (this.rendermime) {
        const renderer = this.rendermime.createRenderer('text/markdown');
        await renderer.renderModel(
          this.rendermime.createModel({ data: { 'text/markdown': markdown }, trusted: false })
        );
        page.appendChild(renderer.node);
      } else {
        page.appendChild(el('pre', '', markdown));
      }
    } catch (err) {
      page.appendChild(el('div', 'mlnb-muted', (err as Error).message));
    }
  }

  private payload: unknown = null;
  private updated = new WeakSet<IFinding>();
  private store: NotebookFindings | null = null;
  private lastView = '';
}
