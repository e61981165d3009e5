/**
 * The findings JSON, version 1 (see the project's spec findings-json.md).
 *
 * Only the fields the extension reads are typed; version 1 may grow fields
 * (e.g. `subject`), so nothing here rejects unknown keys.
 */

export const MIME_TYPE = 'application/vnd.ml-lint-nb.findings+json';
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

/** A severity we do not know (a future one) is shown as info, never dropped. */
export function severityOf(value: unknown): Severity {
  return value === 'error' || value === 'warning' ? value : 'info';
}

export function rank(severity: Severity): number {
  return severity === 'error' ? 3 : severity === 'warning' ? 2 : 1;
}

/** Findings of every file entry of a (possibly malformed) payload. */
export function findingsOf(doc: unknown): IFinding[] {
  const files = (doc as IDocument | null)?.files;
  if (!Array.isArray(files)) {
    return [];
  }
  const out: IFinding[] = [];
  for (const file of files) {
    for (const f of Array.isArray(file?.findings) ? file.findings : []) {
      if (f && typeof f.code === 'string') {
        out.push({ ...f, severity: severityOf(f.severity) });
      }
    }
  }
  return out;
}

export function notesOf(doc: unknown): INote[] {
  const files = (doc as IDocument | null)?.files;
  if (!Array.isArray(files)) {
    return [];
  }
  const out: INote[] = [];
  for (const file of files) {
    for (const n of Array.isArray(file?.notes) ? file.notes : []) {
      if (n && typeof n.message === 'string') {
        out.push(n);
      }
    }
    if (typeof file?.error === 'string' && file.error) {
      out.push({ message: file.error });
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
