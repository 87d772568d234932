// The board page's header commands as actions (no shortcuts yet): the header's buttons, its export and
// import menu and its language choice are drawn from these lists, as the canvas commands are from `board-actions.ts`.
import type { Action } from './action';
import type { MessageKey } from '../i18n';
import type { ExportFormat } from '../api/client';
import { EXPORT_FORMATS } from '../api/client';

/** What a file export downloads: a board (or snapshot) format, its CSV sheets with semicolons, or the workshop's archive. */
export type ExportTarget = { format: ExportFormat; separator?: 'semicolon' } | 'zip';

/** What the header's commands act on: the board page, as the header sees it. */
export interface BoardPageCommands {
  /** A facilitator on a live board (not a snapshot), who may lock and present it. */
  readonly manages: boolean;
  /** A live board, not a snapshot: it can be shared. */
  readonly live: boolean;
  presenting(): boolean;
  togglePresent(): void;
  locked(): boolean;
  toggleLock(): void;
  openShare(): void;
  /** The page's role may download the board's files (a participant or more). */
  readonly exports: boolean;
  /** A snapshot is shown: its files, not the live board's. */
  readonly snapshot: boolean;
  /** A facilitator on a live board of a workshop, who may download the whole workshop. */
  readonly workshopArchive: boolean;
  /** The view as the browser draws it, downloaded. */
  exportView(format: 'png' | 'svg'): void;
  /** The address and file name of a download. */
  exportLink(target: ExportTarget): { href: string; download: string };
  /** Whether a file may be imported into the board now (it changes the board, so a lock forbids it). */
  canImport(): boolean;
  chooseImportFile(): void;
}

export interface PageAction extends Action<BoardPageCommands> {
  /** The button's element id (tests and focus return rely on it). */
  readonly elementId: string;
  /** Its icon, from `ICONS`, which may follow the state (a closed or open lock). */
  icon(context: BoardPageCommands): 'lock' | 'unlock' | 'present' | 'link';
  /** A toggle shows whether it is on (`aria-pressed`). */
  pressed?(context: BoardPageCommands): boolean;
  /**
   * A label that says what a press does now ("Lock the board" / "Unlock the board"). Such a button is
   * not also a pressed toggle: a changing label and `aria-pressed` together would read as a double negation.
   */
  currentLabel?(context: BoardPageCommands): MessageKey;
  /** Opens a dialog (`aria-haspopup`). */
  readonly opensDialog?: boolean;
}

export const PAGE_ACTIONS: readonly PageAction[] = [
  {
    id: 'lock', label: 'board.lock', group: 'editing', shortcuts: [], elementId: 'k-lock',
    icon: (page) => (page.locked() ? 'lock' : 'unlock'),
    currentLabel: (page) => (page.locked() ? 'workshop.unlockBoard' : 'board.lock'),
    enabled: (page) => page.manages,
    perform: (page) => page.toggleLock(),
  },
  {
    id: 'present', label: 'present.start', group: 'view', shortcuts: [], elementId: 'k-present',
    icon: () => 'present',
    pressed: (page) => page.presenting(),
    enabled: (page) => page.manages,
    perform: (page) => page.togglePresent(),
  },
  {
    id: 'share', label: 'share.button', group: 'view', shortcuts: [], elementId: 'k-share', opensDialog: true,
    icon: () => 'link',
    enabled: (page) => page.live,
    perform: (page) => page.openShare(),
  },
];

/** One item of the export and import menu. */
export interface MenuAction extends Action<BoardPageCommands> {
  /** A download link rather than a button: the menu draws an `<a download>` so a right-click can save it. */
  link?(context: BoardPageCommands): { href: string; download: string };
  /** For the page's tests and the merged board's slider, which rewrites the links' addresses. */
  readonly exportTarget?: ExportTarget;
}

const FORMAT_LABELS: Record<ExportFormat, MessageKey> = {
  'export.png': 'export.png', 'export.svg': 'export.svg', 'export.json': 'export.json', 'actors.csv': 'export.actorsCsv', 'relations.csv': 'export.relationsCsv',
};

function fileExport(target: ExportTarget, label: MessageKey, id: string): MenuAction {
  return {
    id, label, group: 'view', shortcuts: [], exportTarget: target,
    enabled: (page) => (target === 'zip' ? page.workshopArchive : page.exports),
    link: (page) => page.exportLink(target),
    perform: (page) => {
      // From a key or another menu: the same download the link starts.
      const { href, download } = page.exportLink(target);
      const anchor = document.createElement('a');
      anchor.href = href;
      anchor.download = download;
      anchor.click();
    },
  };
}

/** The export menu in its sections: the view as drawn, the board's (or snapshot's) files, and import. */
export const EXPORT_MENU: readonly { heading: MessageKey | ((page: BoardPageCommands) => MessageKey) | null; actions: readonly MenuAction[] }[] = [
  {
    heading: 'export.view',
    actions: (['png', 'svg'] as const).map((format): MenuAction => ({
      id: `export.view.${format}`, label: format === 'png' ? 'action.exportViewPng' : 'action.exportViewSvg', group: 'view', shortcuts: [],
      enabled: () => true,
      perform: (page) => page.exportView(format),
    })),
  },
  {
    heading: (page) => (page.snapshot ? 'export.snapshot' : 'export.board'),
    actions: [
      ...EXPORT_FORMATS.map((format) => fileExport({ format }, FORMAT_LABELS[format], `export.${format}`)),
      // Finnish and Swedish Excel read `,` as the decimal point and expect `;` between cells.
      fileExport({ format: 'actors.csv', separator: 'semicolon' }, 'export.actorsCsvSemicolon', 'export.actors.csv.semicolon'),
      fileExport({ format: 'relations.csv', separator: 'semicolon' }, 'export.relationsCsvSemicolon', 'export.relations.csv.semicolon'),
      fileExport('zip', 'export.zip', 'export.zip'),
    ],
  },
  {
    heading: null,
    actions: [{
      id: 'import', label: 'import.button', group: 'editing', shortcuts: [],
      enabled: (page) => !page.snapshot && page.canImport(),
      perform: (page) => page.chooseImportFile(),
    }],
  },
];

export function pageAction(id: string): PageAction {
  const action = PAGE_ACTIONS.find((a) => a.id === id);
  if (!action) throw new Error(`no page action ${id}`);
  return action;
}
