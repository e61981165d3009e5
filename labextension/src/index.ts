/**
 * ml-lint-nb for JupyterLab 4 and Notebook 7: a renderer for the findings
 * MIME type, the "ML pitfalls" panel, cell markers and a status-bar item,
 * all fed by one store per notebook (static findings from the server's
 * lint-before-run endpoint, live ones from the kernel's outputs).
 */

import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { INotebookTracker, NotebookActions, NotebookPanel } from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { IStatusBar } from '@jupyterlab/statusbar';

import { PitfallsPanel } from './panel';
import { FindingsRenderer } from './renderer';
import { PitfallsStatus } from './status';
import { NotebookFindings, severityByCell } from './store';
import { MIME_TYPE } from './types';

const OPEN_PANEL = 'ml-lint-nb:open-panel';

/** Colour each cell by the highest severity of its open findings; clear the rest. */
function applyMarkers(panel: NotebookPanel, store: NotebookFindings): void {
  const severities = severityByCell(store.entries);
  for (const cell of panel.content.widgets) {
    const severity = severities.get(cell.model.id);
    if (severity) {
      cell.node.dataset.mlnbSeverity = severity;
      cell.node.classList.add('mlnb-marked');
    } else if (cell.node.dataset.mlnbSeverity) {
      delete cell.node.dataset.mlnbSeverity;
      cell.node.classList.remove('mlnb-marked');
    }
  }
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: 'ml-lint-nb:plugin',
  description: 'ML pitfalls: rendered findings, a panel, cell markers and lint before run.',
  autoStart: true,
  requires: [INotebookTracker, IRenderMimeRegistry],
  optional: [IStatusBar],
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    rendermime: IRenderMimeRegistry,
    statusBar: IStatusBar | null
  ) => {
    const stores = new Map<NotebookPanel, NotebookFindings>();
    const localPath = (path: string) => app.serviceManager.contents.localPath(path);
    const locate = (node: HTMLElement): NotebookFindings | null => {
      for (const [panel, store] of stores) {
        if (panel.node.contains(node)) {
          return store;
        }
      }
      return null;
    };

    // Notebook panels clone the registry when they open, so register before any does.
    rendermime.addFactory(
      {
        safe: true,
        mimeTypes: [MIME_TYPE],
        defaultRank: 0,
        createRenderer: () => new FindingsRenderer(locate, rendermime)
      },
      0
    );

    const panel = new PitfallsPanel();
    app.shell.add(panel, 'right', { rank: 650 });
    app.commands.addCommand(OPEN_PANEL, {
      label: 'Show ML pitfalls',
      execute: () => app.shell.activateById(panel.id)
    });

    const status = new PitfallsStatus(() => void app.commands.execute(OPEN_PANEL));
    if (statusBar) {
      statusBar.registerStatusItem('ml-lint-nb:status', {
        item: status,
        align: 'left',
        rank: 4
      });
    }

    tracker.widgetAdded.connect((_, nbPanel) => {
      const store = new NotebookFindings(nbPanel, localPath);
      stores.set(nbPanel, store);
      store.changed.connect(() => applyMarkers(nbPanel, store));
      nbPanel.disposed.connect(() => stores.delete(nbPanel));
      if (tracker.currentWidget === nbPanel) {
        panel.setStore(store);
        status.setStore(store);
      }
    });
    tracker.currentChanged.connect((_, nbPanel) => {
      const store = nbPanel ? stores.get(nbPanel) ?? null : null;
      panel.setStore(store);
      status.setStore(store);
    });

    NotebookActions.executed.connect((_, { notebook, cell }) => {
      for (const [nbPanel, store] of stores) {
        if (nbPanel.content === notebook) {
          store.markExecuted(cell.model.id);
        }
      }
    });
  }
};

export default plugin;
