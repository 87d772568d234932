// The HTTP API (protocol/src/api.rs): one typed function per endpoint, tokens as Bearer headers.
import type {
  BoardView,
  AddBoardRequest, Assignment, BoardAccess, BoardExport, BoardSummary, Created, CreateBoardRequest, CreateSnapshotRequest, CreateWorkshopRequest, ErrorBody,
  Forked, Imported, Joined, JoinRequest, MapSelection, MatchDecision, MatchDecisionChange, MatchTable, Merged, MergeRequest, Restored, RestoreRequest, Snapshot,
  UpdateBoardRequest, UpdateWorkshopRequest, Workshop,
  DotRequest, StartVoteRequest, VoterRequest, VoteStatus, VoteView,
} from '../generated/protocol';
import { withToken } from '../access/links';

/** A 4xx/5xx answer in the server's ErrorBody shape, or a network failure (status 0). */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }

  /** The token is missing, wrong or of too small a role. */
  get denied(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

type Body = { json: unknown } | { text: string; contentType: string } | null;

export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

export class Api {
  constructor(private readonly fetchImpl: Fetch = (input, init) => fetch(input, init)) {}

  /** `keepalive` lets a request outlive the page (a facilitator closing the presented board). */
  private async request(method: string, path: string, token: string | null, body: Body = null, keepalive = false): Promise<Response> {
    const headers: Record<string, string> = {};
    if (token) headers.Authorization = `Bearer ${token}`;
    let payload: string | undefined;
    if (body && 'json' in body) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body.json);
    } else if (body) {
      headers['Content-Type'] = body.contentType;
      payload = body.text;
    }
    let response: Response;
    try {
      response = await this.fetchImpl(path, keepalive ? { method, headers, body: payload, keepalive } : { method, headers, body: payload });
    } catch (error) {
      throw new ApiError(0, 'network', error instanceof Error ? error.message : String(error));
    }
    if (!response.ok) throw await errorOf(response);
    return response;
  }

  private async json<T>(method: string, path: string, token: string | null, body: Body = null): Promise<T> {
    const response = await this.request(method, path, token, body);
    return (await response.json()) as T;
  }

  createBoard(request: CreateBoardRequest): Promise<Created> {
    return this.json('POST', '/api/boards', null, { json: request });
  }

  board(boardId: string, token: string | null): Promise<BoardAccess> {
    return this.json('GET', `/api/boards/${enc(boardId)}`, token);
  }

  updateBoard(boardId: string, token: string, patch: UpdateBoardRequest): Promise<BoardSummary> {
    return this.json('PATCH', `/api/boards/${enc(boardId)}`, token, { json: patch });
  }

  /** A new group board in the workshop (facilitator). */
  addBoard(workshopId: string, token: string, request: AddBoardRequest): Promise<BoardSummary> {
    return this.json('POST', `/api/workshops/${enc(workshopId)}/boards`, token, { json: request });
  }

  async deleteBoard(boardId: string, token: string): Promise<void> {
    await this.request('DELETE', `/api/boards/${enc(boardId)}`, token);
  }

  createWorkshop(request: CreateWorkshopRequest): Promise<Created> {
    return this.json('POST', '/api/workshops', null, { json: request });
  }

  workshop(workshopId: string, token: string | null): Promise<Workshop> {
    return this.json('GET', `/api/workshops/${enc(workshopId)}`, token);
  }

  /**
   * With a display name, `boardId` of the answer is the board assigned to that name (or null), and
   * in a workshop with personal boards `personalBoardId` is the joiner's own; `personalToken` is
   * the capability this device kept from an earlier join, to get the same board back.
   */
  join(code: string, name?: string, personalToken?: string): Promise<Joined> {
    const request: JoinRequest = name && name.trim() ? { code, name: name.trim() } : { code };
    if (personalToken) request.personalToken = personalToken;
    return this.json('POST', '/api/join', null, { json: request });
  }

  /** Changes the workshop's options (facilitator). */
  updateWorkshop(workshopId: string, token: string, patch: UpdateWorkshopRequest): Promise<Workshop> {
    return this.json('PATCH', `/api/workshops/${enc(workshopId)}`, token, { json: patch });
  }

  /** Shares every personal board made at join with the workshop, read-only (or stops). */
  sharePersonalBoards(workshopId: string, token: string, shared: boolean): Promise<Workshop> {
    return this.json('POST', `/api/workshops/${enc(workshopId)}/share`, token, { json: { shared } });
  }

  assignments(workshopId: string, token: string): Promise<Assignment[]> {
    return this.json('GET', `/api/workshops/${enc(workshopId)}/assignments`, token);
  }

  /** Assigns a display name to a board; `null` removes the assignment. */
  async assign(workshopId: string, token: string, assignment: Assignment): Promise<void> {
    await this.request('PUT', `/api/workshops/${enc(workshopId)}/assignments`, token, { json: assignment });
  }

  async lockWorkshop(workshopId: string, token: string, locked: boolean): Promise<void> {
    await this.request('POST', `/api/workshops/${enc(workshopId)}/lock`, token, { json: { locked } });
  }

  async setTimer(workshopId: string, token: string, endsAt: number | null): Promise<void> {
    await this.request('POST', `/api/workshops/${enc(workshopId)}/timer`, token, { json: { endsAt } });
  }

  /** Presents `boardId` to everyone in the workshop, or stops presenting with null. */
  async setPresenting(workshopId: string, token: string, boardId: string | null, keepalive = false): Promise<void> {
    await this.request('POST', `/api/workshops/${enc(workshopId)}/present`, token, { json: { boardId } }, keepalive);
  }

  /** The workshop's running dot vote, or null. */
  vote(workshopId: string, token: string): Promise<VoteView | null> {
    return this.json('GET', `/api/workshops/${enc(workshopId)}/vote`, token);
  }

  startVote(workshopId: string, token: string, request: StartVoteRequest): Promise<VoteView> {
    return this.json('PUT', `/api/workshops/${enc(workshopId)}/vote`, token, { json: request });
  }

  async revealVote(workshopId: string, token: string): Promise<void> {
    await this.request('POST', `/api/workshops/${enc(workshopId)}/vote/reveal`, token);
  }

  async endVote(workshopId: string, token: string): Promise<void> {
    await this.request('DELETE', `/api/workshops/${enc(workshopId)}/vote`, token);
  }

  /** This device's dots on the board; `voter` is its secret for the vote. */
  myDots(boardId: string, token: string, voter: string): Promise<VoteStatus> {
    const request: VoterRequest = { voter };
    return this.json('POST', `/api/boards/${enc(boardId)}/votes/mine`, token, { json: request });
  }

  changeDot(boardId: string, token: string, request: DotRequest): Promise<VoteStatus> {
    return this.json('POST', `/api/boards/${enc(boardId)}/votes`, token, { json: request });
  }

  async deleteWorkshop(workshopId: string, token: string): Promise<void> {
    await this.request('DELETE', `/api/workshops/${enc(workshopId)}`, token);
  }

  snapshots(boardId: string, token: string): Promise<Snapshot[]> {
    return this.json('GET', `/api/boards/${enc(boardId)}/snapshots`, token);
  }

  takeSnapshot(boardId: string, token: string, request: CreateSnapshotRequest): Promise<Snapshot> {
    return this.json('POST', `/api/boards/${enc(boardId)}/snapshots`, token, { json: request });
  }

  snapshotWorkshop(workshopId: string, token: string, name: string): Promise<Snapshot[]> {
    return this.json('POST', `/api/workshops/${enc(workshopId)}/snapshots`, token, { json: { name } });
  }

  snapshot(snapshotId: string, token: string): Promise<Snapshot> {
    return this.json('GET', `/api/snapshots/${enc(snapshotId)}`, token);
  }

  /**
   * A board's stored state as one Yjs update in the v2 encoding (`Y.applyUpdateV2`): a read-only
   * view draws it at once and goes live over the websocket afterwards.
   */
  async boardStateV2(boardId: string, token: string): Promise<Uint8Array> {
    const response = await this.request('GET', `/api/boards/${enc(boardId)}/state`, token);
    return new Uint8Array(await response.arrayBuffer());
  }

  /** A board as plain data, read on the server: what a read-only page draws before it decodes the board's state. */
  boardView(boardId: string, token: string): Promise<BoardView> {
    return this.json('GET', `/api/boards/${enc(boardId)}/view`, token);
  }

  async snapshotState(snapshotId: string, token: string): Promise<Uint8Array> {
    const response = await this.request('GET', `/api/snapshots/${enc(snapshotId)}/state`, token);
    return new Uint8Array(await response.arrayBuffer());
  }

  restoreSnapshot(snapshotId: string, token: string, request: RestoreRequest = {}): Promise<Restored> {
    return this.json('POST', `/api/snapshots/${enc(snapshotId)}/restore`, token, { json: request });
  }

  forkSnapshot(snapshotId: string, token: string): Promise<Forked> {
    return this.json('POST', `/api/snapshots/${enc(snapshotId)}/fork`, token);
  }

  /** The board as it is now, in the JSON export shape. */
  boardExport(boardId: string, token: string): Promise<BoardExport> {
    return this.json('GET', `/api/boards/${enc(boardId)}/export.json`, token);
  }

  importJson(boardId: string, token: string, board: BoardExport | string): Promise<Imported> {
    const text = typeof board === 'string' ? board : JSON.stringify(board);
    return this.json('POST', `/api/boards/${enc(boardId)}/import`, token, { text, contentType: 'application/json' });
  }

  /** The match table of the chosen maps: automatic groups and proposals (facilitator). */
  proposeMatches(workshopId: string, token: string, selection: MapSelection): Promise<MatchTable> {
    return this.json('POST', `/api/workshops/${enc(workshopId)}/matches/propose`, token, { json: selection });
  }

  /** Every decision about names saved in the workshop (facilitator). */
  matchDecisions(workshopId: string, token: string): Promise<MatchDecision[]> {
    return this.json('GET', `/api/workshops/${enc(workshopId)}/matches`, token);
  }

  /** Records (or, with a null verdict, forgets) decisions; answers with every decision of the workshop. */
  decideMatches(workshopId: string, token: string, decisions: MatchDecisionChange[]): Promise<MatchDecision[]> {
    return this.json('PUT', `/api/workshops/${enc(workshopId)}/matches`, token, { json: { decisions } });
  }

  /** A new board of the workshop holding the union of the chosen maps. */
  merge(workshopId: string, token: string, request: MergeRequest): Promise<Merged> {
    return this.json('POST', `/api/workshops/${enc(workshopId)}/merge`, token, { json: request });
  }

  importCsv(boardId: string, token: string, sheet: 'actors' | 'relations', csv: string): Promise<Imported> {
    return this.json('POST', `/api/boards/${enc(boardId)}/import?sheet=${sheet}`, token, { text: csv, contentType: 'text/csv' });
  }
}

async function errorOf(response: Response): Promise<ApiError> {
  try {
    const body = (await response.json()) as Partial<ErrorBody>;
    if (typeof body.message === 'string') return new ApiError(response.status, body.error ?? 'error', body.message);
  } catch {
    // Not our JSON shape (a proxy in between, or an endpoint that does not exist yet).
  }
  return new ApiError(response.status, response.status === 404 ? 'not_found' : 'error', `${response.status} ${response.statusText}`.trim());
}

function enc(id: string): string {
  return encodeURIComponent(id);
}

export type ExportFormat = 'export.json' | 'export.svg' | 'export.png' | 'actors.csv' | 'relations.csv';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['export.png', 'export.svg', 'export.json', 'actors.csv', 'relations.csv'];

/** Plain download links (the token rides as a query parameter). */
export function boardExportUrl(boardId: string, format: ExportFormat, token: string | null, extra: Record<string, string> = {}): string {
  return withToken(`/api/boards/${enc(boardId)}/${format}`, token, extra);
}

/** The board drawn cropped to its content, for overview cards; any role may fetch it. */
export function boardThumbnailUrl(boardId: string, token: string | null, extra: Record<string, string> = {}): string {
  return withToken(`/api/boards/${enc(boardId)}/thumbnail.svg`, token, extra);
}

export function snapshotExportUrl(snapshotId: string, format: ExportFormat, token: string | null, extra: Record<string, string> = {}): string {
  return withToken(`/api/snapshots/${enc(snapshotId)}/${format}`, token, extra);
}

export function workshopZipUrl(workshopId: string, token: string | null): string {
  return withToken(`/api/workshops/${enc(workshopId)}/export.zip`, token);
}

/** Which sheet a CSV file is: a relation sheet has from and to columns (Kumu's shape). */
export function csvSheet(text: string): 'actors' | 'relations' {
  const header = (text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '').toLowerCase();
  const columns = header.split(/[,;\t]/).map((c) => c.trim().replace(/^"|"$/g, ''));
  return columns.includes('from') && columns.includes('to') ? 'relations' : 'actors';
}

export const api = new Api();
