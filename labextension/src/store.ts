/**
 * The open findings of one notebook: static ones from the server's
 * lint-before-run endpoint, live ones read from the findings outputs that
 * the kernel displayed under cells. The panel, the markers, the status item
 * and the renderers all draw from this one place, so they never disagree.
 */

import { NotebookPanel } from '@jupyterlab/notebook';
import { ServerConnection } from '@jupyterlab/services';
import { URLExt } from '@jupyterlab/coreutils';
import { ISignal, Signal } from '@lumino/signaling';

import { applyPlaced, placeFix } from './fixes';
import {
  IFinding,
  METADATA_KEY,
  MIME_TYPE,
  RULES,
  Severity,
  findingsOf,
  notesOf,
  rank,
  registeredCode
} from './types';

/** One open finding as the UI shows it, attached to a cell of the current model. */
export interface IEntry {
  finding: IFinding;
  /** The cell model id of the primary location, or null when it cannot be placed. */
  cellId: string | null;
  /** 0-based index of that cell in the current model, or -1. */
  cellIndex: number;
  static: boolean;
  live: boolean;
}

const STILL_PRESENT = /^(ML\d+)\s+(\S+)\s+still present/;

/** The JSON the server answers for `GET ml-lint-nb/lint?path=...`. */
export async function fetchStatic(path: string): Promise<unknown> {
  const settings = ServerConnection.makeSettings();
  const url =
    URLExt.join(settings.baseUrl, 'ml-lint-nb', 'lint') +
    `?path=${encodeURIComponent(path)}`;
  const response = await ServerConnection.makeRequest(url, {}, settings);
  if (!response.ok) {
    throw await failure(response, 'lint endpoint');
  }
  return response.json();
}

/** A non-OK answer of our endpoints, with the server's one-line message when it gave one. */
async function failure(response: Response, what: string): Promise<Error> {
  let message = '';
  try {
    const body = await response.json();
    message = typeof body?.message === 'string' ? body.message.slice(0, 300) : '';
  } catch {
    // not JSON: the status says enough
  }
  return new Error(message || `${what} answered ${response.status}`);
}

export async function fetchRulePage(code: string): Promise<string> {
  const known = registeredCode(code);
  if (known === null) {
    throw new Error('no rule page: not a registered rule code');
  }
  const settings = ServerConnection.makeSettings();
  const url = URLExt.join(settings.baseUrl, 'ml-lint-nb', 'rules', encodeURIComponent(known));
  const response = await ServerConnection.makeRequest(url, {}, settings);
  if (!response.ok) {
    throw new Error(`no rule page for ${known} (${response.status})`);
  }
  const body = await response.json();
  return String(body.markdown ?? '');
}

export class NotebookFindings {
  constructor(readonly panel: NotebookPanel, private localPath: (p: string) => string) {
    panel.context.ready.then(() => {
      this.connect();
      void this.refreshStatic();
      this.recompute();
    });
    panel.disposed.connect(() => {
      Signal.clearData(this);
      window.clearTimeout(this.timer);
    });
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** Open findings after every silencing, ordered by severity, cell, line, code. */
  get entries(): IEntry[] {
    return this._entries;
  }

  get staticStatus(): string {
    return this._staticStatus;
  }

  /** Codes silenced for this kernel session from the UI. */
  readonly sessionIgnored = new Set<string>();

  /** Codes the notebook metadata silences (`{"ml_lint_nb": {"ignore": [...]}}`). */
  notebookIgnored(): Set<string> {
    const meta = this.panel.model?.getMetadata(METADATA_KEY) as
      | { ignore?: unknown }
      | undefined;
    const ignore = Array.isArray(meta?.ignore) ? meta!.ignore : [];
    return new Set(ignore.filter((c): c is string => typeof c === 'string'));
  }

  isSilenced(code: string): 'session' | 'notebook' | null {
    if (this.notebookIgnored().has(code)) {
      return 'notebook';
    }
    return this.sessionIgnored.has(code) ? 'session' : null;
  }

  /**
   * `%mlcheck ignore CODE` in the kernel; hidden here at once. The code comes
   * from a payload, so only a registered rule code (`ML` and three digits) is
   * ever put into the command: nothing else from a saved output reaches the kernel.
   */
  silenceForSession(code: string): void {
    const known = registeredCode(code);
    if (known === null) {
      console.warn('ml-lint-nb: not silenced: not a registered rule code');
      return;
    }
    this.sessionIgnored.add(known);
    const kernel = this.panel.sessionContext.session?.kernel;
    if (kernel) {
      kernel.requestExecute({
        code: `%mlcheck ignore ${known}`,
        silent: true,
        store_history: false
      });
    }
    this.recompute();
  }

  /** Add the code to the notebook metadata suppression (saved with the notebook); exact registered codes only. */
  silenceForNotebook(code: string): void {
    const model = this.panel.model;
    const known = registeredCode(code);
    if (!model || known === null) {
      return;
    }
    code = known;
    const meta = { ...((model.getMetadata(METADATA_KEY) as object) ?? {}) } as {
      ignore?: unknown;
    };
    const ignore = Array.isArray(meta.ignore) ? [...meta.ignore] : [];
    if (!ignore.includes(code)) {
      ignore.push(code);
    }
    model.setMetadata(METADATA_KEY, { ...meta, ignore });
    this.recompute();
  }

  /**
   * Apply the entry's fix to the cells: an undoable edit (Ctrl-Z in the cell),
   * never a run. The edit is checked against the cells as they are now; the
   * reason it cannot be applied is returned (null when it was). The finding
   * leaves the list until the next save lints the notebook again.
   */
  applyFix(entry: IEntry): string | null {
    const model = this.panel.model;
    const fix = entry.finding.fix_edit;
    if (!model || !fix) {
      return 'this finding has no fix';
    }
    const placed = placeFix(model, fix);
    if (typeof placed === 'string') {
      return placed;
    }
    applyPlaced(model, placed);
    const f = entry.finding;
    const same = (g: IFinding) =>
      g.code === f.code && g.cell === f.cell && g.line === f.line && g.col === f.col;
    this.staticFindings = this.staticFindings.filter(g => !same(g));
    this.recompute();
    return null;
  }

  /** Scroll to the cell and select it; returns false when it does not exist. */
  jumpTo(cellIndex: number, line?: number | null): boolean {
    const notebook = this.panel.content;
    if (cellIndex < 0 || cellIndex >= notebook.widgets.length) {
      return false;
    }
    notebook.activeCellIndex = cellIndex;
    notebook.mode = 'command';
    void notebook.scrollToItem(cellIndex, 'center').then(() => {
      const cell = notebook.widgets[cellIndex];
      cell.node.classList.add('mlnb-flash');
      window.setTimeout(() => cell.node.classList.remove('mlnb-flash'), 1200);
      if (line && cell.editor) {
        cell.editor.setCursorPosition({ line: line - 1, column: 0 });
      }
    });
    return true;
  }

  /** The model index of a location given by cell id, execution count or position. */
  indexOf(loc: {
    cell?: number | null;
    cell_id?: string | null;
    execution_count?: number | null;
  }): number {
    const cells = this.panel.model?.cells;
    if (!cells) {
      return -1;
    }
    if (loc.cell_id) {
      for (let i = 0; i < cells.length; i++) {
        if (cells.get(i).id === loc.cell_id) {
          return i;
        }
      }
    }
    if (loc.execution_count !== null && loc.execution_count !== undefined) {
      for (let i = 0; i < cells.length; i++) {
        const cell = cells.get(i) as any;
        if (cell.type === 'code' && cell.executionCount === loc.execution_count) {
          return i;
        }
      }
    }
    if (typeof loc.cell === 'number' && loc.cell >= 1 && loc.cell <= cells.length) {
      return loc.cell - 1;
    }
    return -1;
  }

  /**
   * Lint the saved file on the server. One request at a time per notebook:
   * saves while one is running ask for one more run after it, never a pile.
   */
  async refreshStatic(): Promise<void> {
    if (this.linting) {
      this.relint = true;
      return;
    }
    this.linting = true;
    try {
      await this.lintSaved();
    } finally {
      this.linting = false;
    }
    if (this.relint) {
      this.relint = false;
      void this.refreshStatic();
    }
  }

  private async lintSaved(): Promise<void> {
    const path = this.localPath(this.panel.context.path);
    this._staticStatus = 'linting the saved notebook…';
    this._changed.emit();
    try {
      const doc = await fetchStatic(path);
      this.staticFindings = findingsOf(doc);
      const problems = notesOf(doc).filter(n => !n.cell);
      this._staticStatus = problems.length
        ? problems.map(n => n.message).join('; ')
        : `static: saved file linted at ${new Date().toLocaleTimeString()}`;
      // Static findings are about the saved code; live runs since then still win per cell.
    } catch (err) {
      this.staticFindings = [];
      this._staticStatus = `static lint unavailable (${(err as Error).message})`;
    }
    this.recompute();
  }

  /** Called whenever outputs, cells, metadata or the kernel change (debounced). */
  schedule(): void {
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => this.recompute(), 80);
  }

  recompute(): void {
    const model = this.panel.model;
    if (!model) {
      return;
    }
    const merged = new Map<string, IEntry>();
    const cells = model.cells;
    // Live: every findings output currently in the notebook.
    for (let i = 0; i < cells.length; i++) {
      const cell = cells.get(i) as any;
      if (cell.type !== 'code' || !cell.outputs) {
        continue;
      }
      for (let k = 0; k < cell.outputs.length; k++) {
        try {
          this.readOutput(cell, k, i, merged);
        } catch (err) {
          // one unreadable output must not blank the panel: the others still count
          console.warn('ml-lint-nb: a findings output could not be read', err);
        }
      }
    }
    // Static: dropped for cells the kernel has run since, where live evidence decides.
    for (const f of this.staticFindings) {
      const index = this.indexOf(f);
      const id = index >= 0 ? cells.get(index).id : null;
      if (id && this.liveActive && this.executed.has(id) && !merged.has(this.key(f, id))) {
        continue;
      }
      this.add(merged, f, index, 'static');
    }
    const ignoredNb = this.notebookIgnored();
    this._entries = [...merged.values()]
      .filter(e => !ignoredNb.has(e.finding.code) && !this.sessionIgnored.has(e.finding.code))
      .sort(
        (a, b) =>
          rank(b.finding.severity) - rank(a.finding.severity) ||
          (a.cellIndex < 0 ? 1e9 : a.cellIndex) - (b.cellIndex < 0 ? 1e9 : b.cellIndex) ||
          (a.finding.line ?? 0) - (b.finding.line ?? 0) ||
          a.finding.code.localeCompare(b.finding.code)
      );
    this._changed.emit();
  }

  /** The findings of output `k` of the code cell at `host` (live ones, and "still present" notes). */
  private readOutput(
    cell: any,
    k: number,
    host: number,
    merged: Map<string, IEntry>
  ): void {
    const data = cell.outputs.get(k).data as { [mime: string]: unknown };
    if (!data || typeof data !== 'object' || !(MIME_TYPE in data)) {
      return;
    }
    const payload = data[MIME_TYPE];
    for (const saved of findingsOf(payload)) {
      // Edits are taken only from the server's lint of the file, never from a saved output
      // (anyone can forge one): "Apply fix" then only moves the notebook's own code around.
      const f: IFinding = { ...saved, fix_edit: undefined };
      const index = this.placeLive(f, host);
      this.lastLive.set(`${cell.id}|${f.code}`, f);
      if (this.rerunSince(index, host)) {
        continue; // its own cell ran again after this output: the kernel re-decided there
      }
      this.add(merged, f, index, 'live');
    }
    for (const note of notesOf(payload)) {
      const m = STILL_PRESENT.exec(note.message);
      const code = m ? registeredCode(m[1]) : null;
      if (code === null) {
        continue;
      }
      const saved = this.staticFindings.find(f => f.code === code);
      const still = `${code} ${RULES[code].name} still present`;
      const known: IFinding = this.lastLive.get(`${cell.id}|${code}`) ??
        (saved ? { ...saved, message: still } : null) ?? {
          code,
          name: RULES[code].name,
          severity: 'warning',
          message: still,
          cell: null,
          cell_id: null,
          execution_count: null,
          line: null,
          col: null,
          related: [],
          sources: ['live'],
          evidence: [],
          fix: '',
          pitfalls: [],
          url: ''
        };
      this.add(merged, known, this.placeLive(known, host), 'live');
    }
  }

  /** Mark a cell as run in this kernel session (its static findings give way to live ones). */
  markExecuted(cellId: string): void {
    this.executed.add(cellId);
    if (!this.liveActive) {
      void this.probeKernel();
    }
    this.schedule();
  }

  /**
   * Whether the kernel has the ml_lint_nb hook loaded: without it a run says
   * nothing, so static findings must not give way. Asked with a silent,
   * history-free request that evaluates one expression and runs no user code.
   */
  private async probeKernel(): Promise<void> {
    const kernel = this.panel.sessionContext.session?.kernel;
    if (!kernel) {
      return;
    }
    try {
      const reply = await kernel.requestExecute({
        code: '',
        silent: true,
        store_history: false,
        user_expressions: {
          mlnb: "'ml_lint_nb' in get_ipython().extension_manager.loaded"
        }
      }).done;
      const expr = (reply.content as any).user_expressions?.mlnb;
      this.liveActive = expr?.status === 'ok' && expr.data?.['text/plain'] === 'True';
    } catch {
      this.liveActive = false;
    }
    this.schedule();
  }

  /** A new kernel forgets what was run and silenced. */
  resetSession(): void {
    this.executed.clear();
    this.liveActive = false;
    this.sessionIgnored.clear();
    this.schedule();
  }

  /**
   * A finding shown under cell `host` but located in cell `index` is stale
   * once that cell has run again (a higher execution count): the hook then
   * reports it again under that cell if it is still there, and drops it from
   * the session if the re-run fixed it.
   */
  private rerunSince(index: number, host: number): boolean {
    if (index < 0 || index === host) {
      return false;
    }
    const cells = this.panel.model!.cells;
    const own = (cells.get(index) as any).executionCount;
    const shown = (cells.get(host) as any).executionCount;
    return typeof own === 'number' && typeof shown === 'number' && own > shown;
  }

  private placeLive(f: IFinding, hostIndex: number): number {
    const index = this.indexOf(f);
    return index >= 0 ? index : hostIndex;
  }

  /** Same rule on the same cell is one entry with both sources (subjects may be spelled apart). */
  private key(f: IFinding, cellId: string | null): string {
    return `${f.code}|${cellId ?? '?'}|${cellId ? '' : f.message}`;
  }

  private add(
    merged: Map<string, IEntry>,
    f: IFinding,
    index: number,
    source: 'static' | 'live'
  ): void {
    const cellId = index >= 0 ? this.panel.model!.cells.get(index).id : null;
    const key = this.key(f, cellId);
    const prev = merged.get(key);
    if (prev) {
      prev[source] = true;
      if (rank(f.severity) > rank(prev.finding.severity) || source === 'live') {
        const fix_edit = prev.finding.fix_edit ?? f.fix_edit; // the static side's fix stays
        prev.finding = { ...f, severity: rank(f.severity) > rank(prev.finding.severity) ? f.severity : prev.finding.severity, fix_edit };
      }
      return;
    }
    merged.set(key, {
      finding: f,
      cellId,
      cellIndex: index,
      static: source === 'static',
      live: source === 'live'
    });
  }

  private connect(): void {
    const model = this.panel.model!;
    model.contentChanged.connect(() => this.schedule());
    model.metadataChanged.connect(() => this.schedule());
    model.cells.changed.connect(() => this.schedule());
    this.panel.context.saveState.connect((_, state) => {
      if (state === 'completed') {
        void this.refreshStatic();
      }
    });
    this.panel.sessionContext.statusChanged.connect((_, status) => {
      if (status === 'restarting') {
        this.resetSession();
      }
    });
    this.panel.sessionContext.kernelChanged.connect(() => this.resetSession());
  }

  private staticFindings: IFinding[] = [];
  private linting = false;
  private relint = false;
  private executed = new Set<string>();
  private liveActive = false;
  private lastLive = new Map<string, IFinding>();
  private _entries: IEntry[] = [];
  private _staticStatus = '';
  private timer = 0;
  private _changed = new Signal<this, void>(this);
}

/** The highest severity of the entries on each cell id. */
export function severityByCell(entries: IEntry[]): Map<string, Severity> {
  const out = new Map<string, Severity>();
  for (const e of entries) {
    if (!e.cellId) {
      continue;
    }
    const prev = out.get(e.cellId);
    if (!prev || rank(e.finding.severity) > rank(prev)) {
      out.set(e.cellId, e.finding.severity);
    }
  }
  return out;
}
