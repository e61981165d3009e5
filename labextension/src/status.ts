/** The status-bar item: counts of the current notebook's findings; a click opens the panel. */

import { Widget } from '@lumino/widgets';

import { NotebookFindings } from './store';
import { SEVERITIES, countBySeverity, severityIcon } from './types';

export class PitfallsStatus extends Widget {
  constructor(private open: () => void) {
    super();
    this.addClass('mlnb-status');
    this.node.title = 'ML pitfalls: open the panel';
    this.node.onclick = () => this.open();
    this.draw();
  }

  setStore(store: NotebookFindings | null): void {
    this.store?.changed.disconnect(this.draw, this);
    this.store = store;
    store?.changed.connect(this.draw, this);
    this.draw();
  }

  private draw(): void {
    this.node.textContent = '';
    const counts = countBySeverity((this.store?.entries ?? []).map(e => e.finding));
    const label = this.node.appendChild(document.createElement('span'));
    label.textContent = 'ML';
    for (const s of SEVERITIES) {
      const item = this.node.appendChild(document.createElement('span'));
      item.className = `mlnb-status-count mlnb-sev-${s}`;
      item.dataset.severity = s;
      item.appendChild(severityIcon(s));
      item.appendChild(document.createTextNode(String(counts[s])));
    }
  }

  private store: NotebookFindings | null = null;
}
