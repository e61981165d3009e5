/**
 * The findings JSON, version 1 (see the project's spec findings-json.md).
 *
 * Only the fields the extension reads are typed; version 1 may grow fields,
 * so unknown keys are ignored, but every known one is checked before use
 * (`validateFinding`).
 */

import { MIME_TYPE, RULES } from './generated';

export { MIME_TYPE, RULES };
export const METADATA_KEY = 'ml_lint_nb';

export type Severity = 'error' | 'warning' | 'info';
export const SEVERITIES: Severity[] = ['error', 'warning', 'info'];

export interface IRelated {
  cell?: number | null;
  cell_id?: string | null;
  line?: number | null;
  role?: string | null;
}

export interface IEvidence {
  source?: string;
  kind?: string;
  text?: string;
  data?: { [key: string]: unknown } | null;
}

export interface IFinding {
  code: string;
  name: string;
  severity: Severity;
  message: string;
  cell?: number | null;
  cell_id?: string | null;
  execution_count?: number | null;
  line?: number | null;
  col?: number | null;
  related?: IRelated[];
  sources?: string[];
  evidence?: IEvidence[];
  fix?: string | null;
  url?: string | null;
  subject?: string[];
}

export interface INote {
  cell?: number | null;
  message: string;
}

export interface IFileEntry {
  path?: string | null;
  mode?: string;
  findings?: IFinding[];
  notes?: INote[];
  error?: string | null;
  skipped?: string | null;
}

export interface IDocument {
  version?: number;
  files?: IFileEntry[];
  not_evaluated?: string[];
}

export function rank(severity: Severity): number {
  return severity === 'error' ? 3 : severity === 'warning' ? 2 : 1;
}

/*
 * A saved notebook is untrusted: its outputs may hold any JSON under our MIME
 * type. Every finding is checked field by field before anything reads it; a
 * bad one is dropped alone (with a console note) so the others still show,
 * and only a code of the installed package's registry ever reaches a kernel
 * command, a request path or the notebook's metadata.
 */

const CODE_PATTERN = /^ML[0-9]{3}$/;
const MAX_TEXT = 20000;
const MAX_ITEMS = 200;

/** The code itself when it names a registered rule, else null. */
export function registeredCode(code: unknown): string | null {
  return typeof code === 'string' &&
    CODE_PATTERN.test(code) &&
    Object.prototype.hasOwnProperty.call(RULES, code)
    ? code
    : null;
}

class Invalid extends Error {}

function check(ok: boolean, what: string): void {
  if (!ok) {
    throw new Invalid(what);
  }
}

function isObject(value: unknown): value is { [key: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optText(value: unknown, what: string): string | null {
  if (value === undefined || value === null) {
    return null;
  }
  check(typeof value === 'string' && value.length <= MAX_TEXT, `${what} is not a string`);
  return value as string;
}

function optPosition(value: unknown, what: string, min: number): number | null {
  if (value === undefined || value === null) {
    return null;
  }
  check(
    typeof value === 'number' && Number.isSafeInteger(value) && value >= min,
    `${what} is not an integer >= ${min}`
  );
  return value as number;
}

function optList(value: unknown, what: string): unknown[] {
  if (value === undefined || value === null) {
    return [];
  }
  check(Array.isArray(value) && value.length <= MAX_ITEMS, `${what} is not a list`);
  return value as unknown[];
}

function related(raw: unknown): IRelated {
  check(isObject(raw), 'a related place is not an object');
  const r = raw as { [key: string]: unknown };
  return {
    cell: optPosition(r.cell, 'related cell', 1),
    cell_id: optText(r.cell_id, 'related cell_id'),
    line: optPosition(r.line, 'related line', 1),
    role: optText(r.role, 'related role')
  };
}

function evidence(raw: unknown): IEvidence {
  check(isObject(raw), 'an evidence entry is not an object');
  const e = raw as { [key: string]: unknown };
  check(e.data === undefined || e.data === null || isObject(e.data), 'evidence data is not an object');
  const data: { [key: string]: unknown } = Object.create(null); // no "__proto__" games
  for (const [key, value] of Object.entries((e.data as object | null) ?? {}).slice(0, MAX_ITEMS)) {
    // shown as text only: numbers, strings, booleans, or short JSON of lists
    data[key] = typeof value === 'string' ? value.slice(0, MAX_TEXT) : value;
  }
  return {
    source: optText(e.source, 'evidence source') ?? undefined,
    kind: optText(e.kind, 'evidence kind') ?? undefined,
    text: optText(e.text, 'evidence text') ?? undefined,
    data
  };
}

/** A well-formed finding of a registered rule, or the reason it is not one. */
export function validateFinding(raw: unknown): IFinding | string {
  try {
    check(isObject(raw), 'not an object');
    const f = raw as { [key: string]: unknown };
    const code = registeredCode(f.code);
    check(code !== null, `code ${JSON.stringify(String(f.code)).slice(0, 40)} is not a registered rule`);
    check(
      f.severity === 'error' || f.severity === 'warning' || f.severity === 'info',
      'severity is not error, warning or info'
    );
    const message = optText(f.message, 'message');
    check(message !== null, 'message is missing');
    const subject = optList(f.subject, 'subject');
    check(subject.every(s => typeof s === 'string'), 'subject is not a list of strings');
    const sources = optList(f.sources, 'sources');
    check(sources.every(s => s === 'static' || s === 'live'), 'sources are not static/live');
    return {
      code: code as string,
      name: RULES[code as string].name,
      severity: f.severity as Severity,
      message: message as string,
      cell: optPosition(f.cell, 'cell', 1),
      cell_id: optText(f.cell_id, 'cell_id'),
      execution_count: optPosition(f.execution_count, 'execution_count', 0),
      line: optPosition(f.line, 'line', 1),
      col: optPosition(f.col, 'col', 1),
      related: optList(f.related, 'related').map(related),
      sources: sources as string[],
      evidence: optList(f.evidence, 'evidence').map(evidence),
      fix: optText(f.fix, 'fix'),
      url: optText(f.url, 'url'),
      subject: subject as string[]
    };
  } catch (err) {
    if (err instanceof Invalid) {
      return err.message;
    }
    return 'unreadable';
  }
}

function filesOf(doc: unknown): unknown[] {
  const files = isObject(doc) ? doc.files : null;
  return Array.isArray(files) ? files.slice(0, MAX_ITEMS) : [];
}

const warned = new WeakSet<object>();

/** The well-formed findings of a (possibly malformed) payload, and how many were left out. */
export function readFindings(doc: unknown): { findings: IFinding[]; dropped: number } {
  const findings: IFinding[] = [];
  const reasons: string[] = [];
  if (!isObject(doc) || !Array.isArray(doc.files)) {
    reasons.push('not a findings document');
  }
  for (const file of filesOf(doc)) {
    const raw = isObject(file) ? file.findings : null;
    if (raw === undefined || raw === null) {
      continue;
    }
    if (!Array.isArray(raw)) {
      reasons.push('findings is not a list');
      continue;
    }
    for (const item of raw.slice(0, 10 * MAX_ITEMS)) {
      const f = validateFinding(item);
      if (typeof f === 'string') {
        reasons.push(f);
      } else {
        findings.push(f);
      }
    }
  }
  const key = isObject(doc) ? doc : null;
  if (reasons.length && (key === null || !warned.has(key))) {
    if (key !== null) {
      warned.add(key); // once per payload: the panel re-reads outputs on every change
    }
    console.warn(`ml-lint-nb: left out ${reasons.length} malformed saved finding(s): ${reasons.join('; ')}`);
  }
  return { findings, dropped: reasons.length };
}

export function findingsOf(doc: unknown): IFinding[] {
  return readFindings(doc).findings;
}

export function notesOf(doc: unknown): INote[] {
  const out: INote[] = [];
  for (const file of filesOf(doc)) {
    if (!isObject(file)) {
      continue;
    }
    for (const n of Array.isArray(file.notes) ? file.notes.slice(0, MAX_ITEMS) : []) {
      if (!isObject(n) || typeof n.message !== 'string') {
        continue;
      }
      const cell = n.cell;
      out.push({
        message: n.message.slice(0, MAX_TEXT),
        cell: typeof cell === 'number' && Number.isSafeInteger(cell) && cell >= 1 ? cell : null
      });
    }
    if (typeof file.error === 'string' && file.error) {
      out.push({ message: file.error.slice(0, MAX_TEXT) });
    }
  }
  return out;
}

/** `1 error, 2 warnings`, as the HTML and text representations say it. */
export function countSummary(counts: { [s in Severity]: number }): string {
  const parts: string[] = [];
  if (counts.error) {
    parts.push(`${counts.error} error${counts.error === 1 ? '' : 's'}`);
  }
  if (counts.warning) {
    parts.push(`${counts.warning} warning${counts.warning === 1 ? '' : 's'}`);
  }
  if (counts.info) {
    parts.push(`${counts.info} info`);
  }
  return parts.length ? parts.join(', ') : 'no findings';
}

export function countBySeverity(findings: { severity: Severity }[]): {
  [s in Severity]: number;
} {
  const counts = { error: 0, warning: 0, info: 0 };
  for (const f of findings) {
    counts[f.severity] += 1;
  }
  return counts;
}

/** Small inline SVG icons, coloured by the theme's severity variables. */
export function severityIcon(severity: Severity): HTMLElement {
  const span = document.createElement('span');
  span.className = `mlnb-icon mlnb-icon-${severity}`;
  span.setAttribute('aria-label', severity);
  span.title = severity;
  const shapes: { [s in Severity]: string } = {
    error:
      '<circle cx="8" cy="8" r="7" fill="currentColor"/><path d="M5 5l6 6M11 5l-6 6" stroke="var(--jp-layout-color0, #fff)" stroke-width="1.8"/>',
    warning:
      '<path d="M8 1l7 13H1z" fill="currentColor"/><path d="M8 6v4M8 11.5v1.5" stroke="var(--jp-layout-color0, #fff)" stroke-width="1.6"/>',
    info: '<circle cx="8" cy="8" r="7" fill="currentColor"/><path d="M8 7v5M8 4v1.6" stroke="var(--jp-layout-color0, #fff)" stroke-width="1.8"/>'
  };
  span.innerHTML = `<svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">${shapes[severity]}</svg>`;
  return span;
}
