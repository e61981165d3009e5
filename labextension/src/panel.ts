/**
 * The "ML pitfalls" side panel: the open findings of the current notebook,
 * grouped by severity and rule, each entry a button that jumps to its cell.
 * It redraws from the notebook's store, so it follows saves and the kernel.
 */

import { Widget } from '@lumino/widgets';

import { IEntry, NotebookFindings } from './store';
import { SEVERITIES, countBySeverity, countSummary, severityIcon } from './types';

const HEADINGS = { error: 'Errors', warning: 'Warnings', info: 'Info' };

export class PitfallsPanel extends Widget {
  constructor() {
    super();
    this.id = 'ml-lint-nb-panel';
    this.addClass('mlnb-panel');
    this.title.label = 'ML pitfalls';
    this.title.caption = 'ML pitfalls in the current notebook';
    this.draw();
  }

  setStore(store: NotebookFindings | null): void {
    if (store === this.store) {
      return;
    }
    this.store?.changed.disconnect(this.draw, this);
    this.store = store;
    store?.changed.connect(this.draw, this);
    this.draw();
  }

  private draw(): void {
    const node = this.node;
    node.textContent = '';
    const header = node.appendChild(document.createElement('div'));
    header.className = 'mlnb-panel-header';
    const title = header.appendChild(document.createElement('h2'));
    title.textContent = 'ML pitfalls';
    const store = this.store;
    if (!store) {
      header.appendChild(this.muted('Open a notebook to see its pitfalls.'));
      return;
    }
    const entries = store.entries;
    header.appendChild(this.muted(store.panel.context.localPath));
    const counts = header.appendChild(document.createElement('div'));
    counts.className = 'mlnb-panel-counts';
    counts.textContent = countSummary(countBySeverity(entries.map(e => e.finding)));
    header.appendChild(this.muted(store.staticStatus)).classList.add('mlnb-panel-status');
    for (const severity of SEVERITIES) {
      const ofSeverity = entries.filter(e => e.finding.severity === severity);
      if (!ofSeverity.length) {
        continue;
      }
      const group = node.appendChild(document.createElement('section'));
      group.className = `mlnb-group mlnb-sev-${severity}`;
      const h = group.appendChild(document.createElement('h3'));
      h.appendChild(severityIcon(severity));
      h.appendChild(document.createTextNode(` ${HEADINGS[severity]} (${ofSeverity.length})`));
      const byRule = new Map<string, IEntry[]>();
      for (const e of ofSeverity) {
        const list = byRule.get(e.finding.code) ?? [];
        list.push(e);
        byRule.set(e.finding.code, list);
      }
      for (const [code, list] of byRule) {
        const rule = group.appendChild(document.createElement('div'));
        rule.className = 'mlnb-rule';
        rule.dataset.code = code;
        const rh = rule.appendChild(document.createElement('div'));
        rh.className = 'mlnb-rule-head';
        const c = rh.appendChild(document.createElement('code'));
        c.textContent = code;
        rh.appendChild(document.createTextNode(` ${list[0].finding.name} (${list.length})`));
        for (const e of list) {
          rule.appendChild(this.entry(store, e));
          if (e.finding.fix_edit) {
            rule.appendChild(this.fixButton(store, e));
          }
        }
      }
    }
    if (!entries.length) {
      node.appendChild(this.muted('No open findings.')).classList.add('mlnb-empty');
    }
  }

  private entry(store: NotebookFindings, e: IEntry): HTMLElement {
    const button = document.createElement('button');
    button.className = 'mlnb-entry';
    button.dataset.code = e.finding.code;
    button.dataset.cellIndex = String(e.cellIndex);
    const where = button.appendChild(document.createElement('span'));
    where.className = 'mlnb-entry-where';
    // the cell as the notebook shows it: its prompt once it ran, its position before
    where.textContent = store.placeLabel(e.cellIndex, e.finding.line);
    for (const kind of ['static', 'live'] as const) {
      if (e[kind]) {
        const tag = button.appendChild(document.createElement('span'));
        tag.className = `mlnb-tag mlnb-tag-${kind}`;
        tag.textContent = kind;
        tag.title =
          kind === 'static'
            ? 'Found by reading the saved notebook (no code run)'
            : 'Found by the kernel while the cells ran';
      }
    }
    const message = button.appendChild(document.createElement('span'));
    message.className = 'mlnb-entry-message';
    message.textContent = e.finding.message;
    button.title = e.finding.fix ? `Fix: ${e.finding.fix}` : e.finding.message;
    button.onclick = () => store.jumpTo(e.cellIndex, e.finding.line);
    return button;
  }

  /** "Apply fix": edits the cell (undoable), never runs it; a refusal is said in its place. */
  private fixButton(store: NotebookFindings, e: IEntry): HTMLElement {
    const fix = e.finding.fix_edit!;
    const button = document.createElement('button');
    button.className = 'mlnb-fix';
    button.dataset.code = e.finding.code;
    button.dataset.applicability = fix.applicability;
    button.textContent = fix.applicability === 'safe' ? 'Apply fix' : 'Apply fix (changes results)';
    button.title =
      fix.description +
      (fix.applicability === 'safe'
        ? ''
        : '. It changes what the notebook computes; Ctrl-Z in the cell undoes it.');
    const refuse = (problem: string) => {
      button.disabled = true;
      button.textContent = `Fix not applied: ${problem}`;
      button.classList.add('mlnb-fix-refused');
    };
    const refused = store.refusal(e);
    if (refused !== null) {
      refuse(refused);
    }
    button.onclick = () => {
      const problem = store.applyFix(e);
      if (problem !== null) {
        refuse(problem);
      }
    };
    return button;
  }

  private muted(text: string): HTMLElement {
    const div = document.createElement('div');
    div.className = 'mlnb-muted';
    div.textContent = text;
    return div;
  }

  private store: NotebookFindings | null = null;
}
