/**
 * The findings JSON, version 1 (see the project's spec findings-json.md).
 *
 * The types and the schema's definitions come from the Python package
 * (`generated.ts`, written at build time from
 * `ml_lint_nb/schema/findings-v1.json`). Saved payloads are untrusted: every
 * finding is checked against the schema and the rule registry before
 * anything reads it.
 */

import {
  Code,
  IDocument,
  IEvidence,
  IFileEntry,
  IFinding,
  IImpact,
  INote,
  IRelated,
  METADATA_KEY,
  MIME_TYPE,
  RULES,
  SCHEMA_DEFS,
  Severity
} from './generated';

export { MIME_TYPE, METADATA_KEY, RULES };
export type { Code, IDocument, IEvidence, IFileEntry, IFinding, IImpact, INote, IRelated, Severity };

export const SEVERITIES: Severity[] = ['error', 'warning', 'info'];

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

function isObject(value: unknown): value is { [key: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeMatches(kind: string, value: unknown): boolean {
  switch (kind) {
    case 'null':
      return value === null;
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'string':
      return typeof value === 'string' && value.length <= MAX_TEXT;
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value) && value.length <= MAX_ITEMS;
    case 'object':
      return isObject(value);
    default:
      return false;
  }
}

/**
 * Why `value` does not match the schema node `schema` (null when it does).
 * The subset of JSON Schema the findings contract uses: $ref, const, enum,
 * type, minimum, pattern, required, properties, items, uniqueItems.
 */
export function schemaProblem(schema: any, value: unknown, where: string): string | null {
  if (schema.$ref) {
    return schemaProblem(SCHEMA_DEFS[String(schema.$ref).split('/').pop()!], value, where);
  }
  if ('const' in schema && value !== schema.const) {
    return `${where} is not ${JSON.stringify(schema.const)}`;
  }
  if (schema.enum && !schema.enum.includes(value)) {
    return `${where} is not one of ${schema.enum.join(', ')}`;
  }
  if (schema.type) {
    const kinds: string[] = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!kinds.some(kind => typeMatches(kind, value))) {
      return `${where} is not ${kinds.join(' or ')}`;
    }
  }
  if (typeof value === 'number' && typeof schema.minimum === 'number' && value < schema.minimum) {
    return `${where} is below ${schema.minimum}`;
  }
  if (typeof value === 'string' && schema.pattern && !new RegExp(schema.pattern).test(value)) {
    return `${where} does not match ${schema.pattern}`;
  }
  if (isObject(value)) {
    for (const key of schema.required ?? []) {
      if (!(key in value)) {
        return `${where}.${key} is missing`;
      }
    }
    for (const [key, sub] of Object.entries(schema.properties ?? {})) {
      if (key in value) {
        const problem = schemaProblem(sub, value[key], `${where}.${key}`);
        if (problem) {
          return problem;
        }
      }
    }
  }
  if (Array.isArray(value)) {
    if (schema.items) {
      for (let i = 0; i < value.length; i++) {
        const problem = schemaProblem(schema.items, value[i], `${where}[${i}]`);
        if (problem) {
          return problem;
        }
      }
    }
    if (schema.uniqueItems && new Set(value.map(v => JSON.stringify(v))).size !== value.length) {
      return `${where} repeats an item`;
    }
  }
  return null;
}

/** Evidence data as plain text-ready values in an object with no prototype. */
function cleanData(data: { [key: string]: unknown }): { [key: string]: unknown } {
  const out: { [key: string]: unknown } = Object.create(null); // no "__proto__" games
  for (const [key, value] of Object.entries(data).slice(0, MAX_ITEMS)) {
    out[key] = typeof value === 'string' ? value.slice(0, MAX_TEXT) : value;
  }
  return out;
}

/** A well-formed finding of a registered rule, or the reason it is not one. */
export function validateFinding(raw: unknown): IFinding | string {
  const problem = schemaProblem(SCHEMA_DEFS.finding, raw, 'finding');
  if (problem) {
    return problem;
  }
  const f = raw as IFinding;
  const code = registeredCode(f.code);
  if (code === null) {
    return `code ${JSON.stringify(String(f.code)).slice(0, 40)} is not a registered rule`;
  }
  return {
    ...f,
    code,
    name: RULES[code].name,
    related: f.related.map(r => ({ ...r })),
    evidence: f.evidence.map(e => ({ ...e, data: cleanData(e.data) })),
    sources: [...f.sources],
    pitfalls: [...f.pitfalls],
    subject: Array.isArray(f.subject) ? [...f.subject] : undefined,
    impact: f.impact
      ? { ...f.impact, interval: Array.isArray(f.impact.interval) ? [...f.impact.interval] : null }
      : undefined
  };
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
      if (schemaProblem(SCHEMA_DEFS.note, n, 'note') === null) {
        const note = n as INote;
        const code = registeredCode(note.code);
        out.push(
          code === null
            ? { cell: note.cell, message: note.message }
            : {
                cell: note.cell,
                message: note.message,
                code,
                subject: Array.isArray(note.subject) ? [...note.subject] : [],
                status: note.status
              }
        );
      } else if (isObject(n) && typeof n.message === 'string') {
        out.push({ cell: null, message: n.message.slice(0, MAX_TEXT) }); // a bad cell: keep the text
      }
    }
    if (typeof file.error === 'string' && file.error) {
      out.push({ cell: null, message: file.error.slice(0, MAX_TEXT) });
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
