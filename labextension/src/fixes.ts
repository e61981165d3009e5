/**
 * "Apply fix": a finding's fix (`fix_edit`) as an undoable edit of cells.
 *
 * The edit comes from a payload (the server's static lint of the saved file,
 * or a saved output), which is untrusted: every edit must name a code cell
 * that exists (by id, else by position), its span must lie inside that
 * cell's current text, and the text there must be exactly the `original`
 * the edit says it replaces. Anything else is refused with a message, and
 * nothing is ever run: the cells' sources change, that is all. Each cell
 * changes in one transaction of its own shared model, so Ctrl-Z in the cell
 * undoes it.
 */

import { INotebookModel } from '@jupyterlab/notebook';

import type { IEdit, IFixEdit } from './generated';

const MAX_EDITS = 64;
const MAX_EDIT_TEXT = 20000;

/** One edit placed in a cell: UTF-16 offsets into its current source. */
export interface IPlacedEdit {
  cellIndex: number;
  start: number;
  end: number;
  text: string;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1;
}

/** The model index of the edit's cell: by id when it has one (it must exist), else by position. */
function cellIndexOf(model: INotebookModel, edit: IEdit): number {
  const cells = model.cells;
  if (typeof edit.cell_id === 'string' && edit.cell_id) {
    for (let i = 0; i < cells.length; i++) {
      if (cells.get(i).id === edit.cell_id) {
        return i;
      }
    }
    return -1;
  }
  if (isCount(edit.cell) && edit.cell <= cells.length) {
    return edit.cell - 1;
  }
  return -1;
}

/** UTF-16 offset of 1-based `line`:`col` (columns in code points), or -1 outside the text. */
export function offsetOf(source: string, line: number, col: number): number {
  // broken at "\n" only, as the Python side counts lines
  const lines = source.split(/(?<=\n)/);
  if (source.endsWith('\n')) {
    lines.push('');
  }
  if (line < 1 || line > lines.length) {
    return -1;
  }
  const points = Array.from(lines[line - 1]);
  if (col < 1 || col > points.length + 1) {
    return -1;
  }
  let offset = 0;
  for (let i = 0; i < line - 1; i++) {
    offset += lines[i].length;
  }
  return offset + points.slice(0, col - 1).join('').length;
}

/**
 * Where each edit of `fix` goes in the notebook as it is now, or why it
 * cannot be applied (a cell gone or changed since the notebook was linted).
 */
export function placeFix(model: INotebookModel, fix: IFixEdit): IPlacedEdit[] | string {
  if (fix.applicability !== 'safe' && fix.applicability !== 'unsafe') {
    return 'not a fix this extension knows';
  }
  if (!Array.isArray(fix.edits) || !fix.edits.length || fix.edits.length > MAX_EDITS) {
    return 'a fix has between 1 and 64 edits';
  }
  const placed: IPlacedEdit[] = [];
  for (const edit of fix.edits) {
    const numbers = [edit.line, edit.col, edit.end_line, edit.end_col];
    if (!numbers.every(isCount) || typeof edit.original !== 'string' || typeof edit.content !== 'string') {
      return 'a malformed edit';
    }
    if (!edit.original || edit.original.length > MAX_EDIT_TEXT || edit.content.length > MAX_EDIT_TEXT) {
      return 'an edit must name the text it replaces';
    }
    const index = cellIndexOf(model, edit);
    if (index < 0) {
      return 'its cell is no longer in the notebook';
    }
    const cell = model.cells.get(index);
    if (cell.type !== 'code') {
      return `cell ${index + 1} is not a code cell`;
    }
    const source = cell.sharedModel.getSource();
    const start = offsetOf(source, edit.line, edit.col);
    const end = offsetOf(source, edit.end_line, edit.end_col);
    if (start < 0 || end < start || source.slice(start, end) !== edit.original) {
      return `cell ${index + 1} changed since the notebook was linted: save it to lint it again`;
    }
    for (const other of placed) {
      if (other.cellIndex === index && start < other.end && other.start < end) {
        return 'its edits overlap';
      }
    }
    placed.push({ cellIndex: index, start, end, text: edit.content });
  }
  return placed;
}

/** Make the edits: each cell in one undoable transaction, from its end backwards. */
export function applyPlaced(model: INotebookModel, placed: IPlacedEdit[]): void {
  const byCell = new Map<number, IPlacedEdit[]>();
  for (const edit of placed) {
    byCell.set(edit.cellIndex, [...(byCell.get(edit.cellIndex) ?? []), edit]);
  }
  for (const [index, edits] of byCell) {
    const shared = model.cells.get(index).sharedModel;
    edits.sort((a, b) => b.start - a.start);
    shared.transact(() => {
      for (const edit of edits) {
        shared.updateSource(edit.start, edit.end, edit.text);
      }
    });
  }
}
