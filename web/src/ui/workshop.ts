// The workshop page (/w/{id}). The facilitator gets the join code, its QR code and links, the live
// overview of every board (thumbnails the server renders, who is on each), locks, snapshots of all
// boards, the timer, export and deletion, and shares the personal boards made at join; participants
// pick their board (or open their own personal board); viewers see the list. The page's parts live
// in `workshop/`.
import { api } from '../api/client';
import { accessStore } from '../access/store';
import { resolveWorkshop } from '../access/resolve';
import { accessOrMessage } from './common';
import { WorkshopPage } from './workshop/page';
import type { Navigate } from './workshop/context';

export function mountWorkshop(root: HTMLElement, workshopId: string, navigate: Navigate, linkToken: string | null): () => void {
  let page: WorkshopPage | null = null;
  let cancelled = false;
  const start = async () => {
    const resolved = await accessOrMessage(root, navigate, () => resolveWorkshop(api, accessStore, workshopId, linkToken), () => cancelled, () => void start());
    if (!resolved) return;
    page = new WorkshopPage(root, resolved.value, resolved.token, navigate);
  };
  void start();
  return () => {
    cancelled = true;
    page?.destroy();
  };
}
