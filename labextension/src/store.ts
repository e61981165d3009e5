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
  INote,
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

/** Notes of kernels before notes named their finding: `ML203 name still present`. */
const STILL_PRESENT = /^(ML\d+)\s+(\S+)\s+still present/;

/**
 * What the kernel's outputs last said about one finding: the finding, or
 * `null` when a re-run found it fixed. `order` is the execution count of
 * the cell whose output said it: the later output is the later verdict.
 */
interface IVerdict {
  finding: IFinding | null;
  index: number;
  order: number;
}

/**
 * A finding's identity, as the Python merge has it: its code and subject;
 * without a subject, its code and cell (and its text when it has no cell).
 */
export function identityOf(
  f: { code: string; subject?: string[]; message?: string },
  cellId: string | null
): string {
  if (f.subject && f.subject.length) {
    return `${f.code}|${JSON.stringify(f.subject)}`;
  }
  return `${f.code}|@${cellId ?? '?'}|${cellId ? '' : f.message ?? ''}`;
}

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
      // remembered until the next lint, so a redraw of the panel keeps saying why
      this.refusedFixes.set(NotebookFindings.fixKey(entry.finding), placed);
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

  /** Why the entry's fix was refused since the last lint of the saved file (null: it was not). */
  refusal(entry: IEntry): string | null {
    return this.refusedFixes.get(NotebookFindings.fixKey(entry.finding)) ?? null;
  }

  private static fixKey(f: IFinding): string {
    return `${f.code}|${f.cell}|${f.line}|${f.col}`;
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
      this.refusedFixes.clear();
      const problems = notesOf(doc).filter(n => !n.cell);
      this._staticStatus = problems.length
        ? problems.map(n => n.message).join('; ')
        : `static: saved file linted at ${new Date().toLocaleTimeString()}`;
      // Static findings are about the saved code; the kernel's verdicts since then win per finding.
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

  /**
   * The panel's entries: the kernel's latest verdict on each finding (read
   * from the findings outputs in the notebook) and the saved file's static
   * findings, one entry per identity. A static finding gives way only to a
   * verdict about the same identity: the live finding (one entry with both
   * sources, the higher severity, the static place and the measured words)
   * or a note that a re-run fixed it. A cell merely having run decides
   * nothing: what `ml-lint-nb check` on the saved file reports stays listed
   * until the kernel says otherwise or the file is saved again.
   */
  recompute(): void {
    const model = this.panel.model;
    if (!model) {
      return;
    }
    const cells = model.cells;
    const verdicts = new Map<string, IVerdict>();
    for (let i = 0; i < cells.length; i++) {
      const cell = cells.get(i) as any;
      if (cell.type !== 'code' || !cell.outputs) {
        continue;
      }
      for (let k = 0; k < cell.outputs.length; k++) {
        try {
          this.readOutput(cell, k, i, verdicts);
        } catch (err) {
          // one unreadable output must not blank the panel: the others still count
          console.warn('ml-lint-nb: a findings output could not be read', err);
        }
      }
    }
    const merged = new Map<string, IEntry>();
    for (const [id, v] of verdicts) {
      if (v.finding) {
        merged.set(id, this.entry(v.finding, v.index, 'live'));
      }
    }
    // Static: each joins the live entry of its identity (the one in its cell first: a name
    // rebound makes two static findings with one identity), else stands alone.
    const waiting: [IFinding, number, string][] = [];
    const joined = new Set<string>();
    for (const f of this.staticFindings) {
      const index = this.indexOf(f);
      const id = identityOf(f, index >= 0 ? cells.get(index).id : null);
      const verdict = verdicts.get(id);
      if (verdict && verdict.finding === null) {
        continue; // a re-run found it fixed since the file was saved
      }
      if (verdict && !joined.has(id) && this.places(f).includes(verdict.index)) {
        joined.add(id);
        this.join(merged.get(id)!, f, index);
      } else {
        waiting.push([f, index, id]);
      }
    }
    for (const [f, index, id] of waiting) {
      if (merged.has(id) && !joined.has(id)) {
        joined.add(id);
        this.join(merged.get(id)!, f, index);
      } else {
        const cellId = index >= 0 ? cells.get(index).id : '?';
        merged.set(merged.has(id) ? `${id}|${cellId}|${f.line ?? ''}` : id, this.entry(f, index, 'static'));
      }
    }
    this.byIdentity = merged;
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

  /**
   * The panel's entry for the fact a payload's finding is about (the latest
   * verdict, joined with the saved file's), or null when none is open.
   */
  entryFor(f: IFinding): IEntry | null {
    return this.byIdentity.get(identityOf(f, this.cellIdOf(f))) ?? null;
  }

  /** The cells a finding names: its own and its related places'. */
  private places(f: IFinding): number[] {
    return [this.indexOf(f), ...(f.related ?? []).map(r => this.indexOf(r))].filter(i => i >= 0);
  }

  /**
   * The saved file's finding `f` joins the kernel's entry about the same fact:
   * the static place (the code to change), the higher severity, the measured
   * words, both sources.
   */
  private join(entry: IEntry, f: IFinding, index: number): void {
    const live = entry.finding;
    const severity = rank(f.severity) > rank(live.severity) ? f.severity : live.severity;
    entry.static = true;
    // the static side's fix stays: edits come only from the server's lint of the file
    entry.finding = { ...live, severity, fix_edit: f.fix_edit ?? live.fix_edit };
    if (index >= 0) {
      entry.finding = { ...entry.finding, cell: f.cell, cell_id: f.cell_id, line: f.line, col: f.col };
      entry.cellIndex = index;
      entry.cellId = this.panel.model!.cells.get(index).id;
    }
  }

  private entry(f: IFinding, index: number, source: 'static' | 'live'): IEntry {
    return {
      finding: f,
      cellId: index >= 0 ? this.panel.model!.cells.get(index).id : null,
      cellIndex: index,
      static: source === 'static',
      live: source === 'live'
    };
  }

  /** Keep the later verdict about an identity (on a tie, a finding over a fix). */
  private static offer(verdicts: Map<string, IVerdict>, id: string, verdict: IVerdict): void {
    const prev = verdicts.get(id);
    if (
      !prev ||
      verdict.order > prev.order ||
      (verdict.order === prev.order && prev.finding === null && verdict.finding !== null)
    ) {
      verdicts.set(id, verdict);
    }
  }

  /** What output `k` of the code cell at `host` says: live findings, and notes about findings. */
  private readOutput(cell: any, k: number, host: number, verdicts: Map<string, IVerdict>): void {
    const data = cell.outputs.get(k).data as { [mime: string]: unknown };
    if (!data || typeof data !== 'object' || !(MIME_TYPE in data)) {
      return;
    }
    const payload = data[MIME_TYPE];
    const cells = this.panel.model!.cells;
    const order = typeof cell.executionCount === 'number' ? cell.executionCount : 0;
    for (const saved of findingsOf(payload)) {
      // Edits are taken only from the server's lint of the file, never from a saved output
      // (anyone can forge one): "Apply fix" then only moves the notebook's own code around.
      const f: IFinding = { ...saved, fix_edit: undefined };
      const index = this.placeLive(f, host);
      if (this.rerunSince(index, host)) {
        continue; // its own cell ran again after this output: the kernel re-decided there
      }
      const id = identityOf(f, index >= 0 ? cells.get(index).id : null);
      this.lastLive.set(id, f);
      NotebookFindings.offer(verdicts, id, { finding: f, index, order });
    }
    for (const note of notesOf(payload)) {
      const said = this.noteVerdict(note, cell.id);
      if (said === null) {
        continue;
      }
      const [id, status, code] = said;
      if (status === 'fixed') {
        NotebookFindings.offer(verdicts, id, { finding: null, index: host, order });
        continue;
      }
      const saved = this.staticFindings.find(f => identityOf(f, this.cellIdOf(f)) === id);
      const still = `${code} ${RULES[code].name} still present`;
      const known: IFinding = this.lastLive.get(id) ??
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
      NotebookFindings.offer(verdicts, id, {
        finding: known,
        index: this.placeLive(known, host),
        order
      });
    }
  }

  /**
   * A note's verdict about a finding: its identity, `fixed` or `still-present`,
   * and its code; null for other notes. Notes of older kernels name only a
   * code (`ML203 name still present`): the saved finding of that code stands in.
   */
  private noteVerdict(note: INote, hostId: string): [string, string, string] | null {
    if (note.code && note.status) {
      return [identityOf({ code: note.code, subject: note.subject }, hostId), note.status, note.code];
    }
    const m = STILL_PRESENT.exec(note.message);
    const code = m ? registeredCode(m[1]) : null;
    if (code === null) {
      return null;
    }
    const saved = this.staticFindings.find(f => f.code === code);
    return [saved ? identityOf(saved, this.cellIdOf(saved)) : identityOf({ code }, hostId), 'still-present', code];
  }

  private cellIdOf(f: IFinding): string | null {
    const index = this.indexOf(f);
    return index >= 0 ? this.panel.model!.cells.get(index).id : null;
  }

  /** A cell ran: its outputs change, and with them the kernel's verdicts. */
  markExecuted(_cellId: string): void {
    this.schedule();
  }

  /** A new kernel forgets what was silenced for its session. */
  resetSession(): void {
    this.sessionIgnored.clear();
    this.schedule();
  }

  /**
   * How the notebook names the cell at `index`: its prompt `[7]` when it has
   * run (what the user sees beside it), else its position (`cell 8`).
   */
  cellLabel(index: number): string {
    const cells = this.panel.model?.cells;
    if (!cells || index < 0 || index >= cells.length) {
      return 'cell ?';
    }
    const cell = cells.get(index) as any;
    const count = cell.type === 'code' ? cell.executionCount : null;
    return typeof count === 'number' && count > 0 ? `cell [${count}]` : `cell ${index + 1}`;
  }

  /** `cell [7], line 3` (or `cell 8, line 3` before it ran). */
  placeLabel(index: number, line?: number | null): string {
    return this.cellLabel(index) + (typeof line === 'number' ? `, line ${line}` : '');
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
  private refusedFixes = new Map<string, string>();
  private linting = false;
  private relint = false;
  private lastLive = new Map<string, IFinding>();
  private byIdentity = new Map<string, IEntry>();
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
