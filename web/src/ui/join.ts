// Joining a workshop with the code read aloud (/join/{CODE}, a link or a QR code): the workshop's title,
// a name, then the joiner's own personal board (workshops with personal boards at join), the assigned
// board, or the list. The landing page joins in one step through `joinWorkshop`.
import { t, onLocaleChange } from '../i18n';
import { api, ApiError } from '../api/client';
import { accessStore } from '../access/store';
import { boardPath, formatJoinCode } from '../access/links';
import { joinDestination } from '../access/assign';
import { displayName, setDisplayName } from './identity';
import { h } from './dom';
import { languageSelect } from './language';
import { errorText } from './common';

export function mountJoin(root: HTMLElement, initialCode: string, navigate: (path: string, state?: unknown) => void): () => void {
  let code = formatJoinCode(initialCode) ?? initialCode;
  let name = displayName();
  let message = '';
  let busy = false;
  /** The workshop the code opens, shown as soon as it is known (a link or QR code brings the code). */
  let workshopTitle = '';
  const lookUp = formatJoinCode(code);
  const workshopLine = () => (workshopTitle ? t('join.workshopTitle', { title: workshopTitle }) : '');
  const render = () => {
    const focusedId = document.activeElement?.id;
    const codeInput = h('input', { id: 'k-join-code', type: 'text', value: code, autocomplete: 'off', spellcheck: 'false', autocapitalize: 'characters', maxlength: 40, class: 'k-code-input', required: true });
    codeInput.addEventListener('input', () => (code = codeInput.value));
    const nameInput = h('input', { id: 'k-join-name', type: 'text', value: name, autocomplete: 'nickname', maxlength: 40, required: true, 'aria-describedby': 'k-join-name-note' });
    nameInput.addEventListener('input', () => (name = nameInput.value));
    const error = h('p', { class: 'k-error', role: 'alert', id: 'k-join-error' }, [message]);
    const submit = async (event: Event) => {
      event.preventDefault();
      if (busy) return;
      const formatted = formatJoinCode(codeInput.value);
      if (!formatted) {
        message = t('landing.invalidCode');
        error.textContent = message;
        codeInput.setAttribute('aria-invalid', 'true');
        codeInput.focus();
        return;
      }
      if (!nameInput.value.trim()) {
        nameInput.focus();
        return;
      }
      setDisplayName(nameInput.value);
      busy = true;
      error.textContent = t('common.working');
      try {
        await joinWorkshop(formatted, navigate);
      } catch (e) {
        message = joinErrorText(e);
        error.textContent = message;
      } finally {
        busy = false;
      }
    };
    root.replaceChildren(h('main', { class: 'k-landing' }, [
      h('div', { class: 'k-landing-top' }, [languageSelect()]),
      h('h1', {}, [h('span', { class: 'k-logo', 'aria-hidden': 'true' }), t('join.title')]),
      // Its line keeps its place while the title is looked up, so the form does not move under a pointer.
      lookUp ? h('p', { class: 'k-join-workshop', id: 'k-join-workshop' }, [workshopLine()]) : null,
      h('p', {}, [t('join.help')]),
      h('form', { class: 'k-card', id: 'k-join-form', onsubmit: submit }, [
        h('label', { for: 'k-join-code' }, [t('landing.joinLabel')]),
        codeInput,
        h('label', { for: 'k-join-name' }, [t('landing.name')]),
        nameInput,
        h('p', { class: 'k-muted k-small-text', id: 'k-join-name-note' }, [t('join.nameNote')]),
        h('button', { type: 'submit', class: 'k-primary', id: 'k-join' }, [t('landing.joinButton')]),
        error,
      ]),
      h('p', { class: 'k-fineprint' }, [t('landing.privacy')]),
    ]));
    document.title = `${t('join.title')} · ${t('app.name')}`;
    if (focusedId) document.getElementById(focusedId)?.focus();
    else (code ? nameInput : codeInput).focus();
  };
  render();
  let left = false;
  if (lookUp) {
    // A join without a name only answers which workshop the code opens: nothing is made for it.
    // The answer fills its line in place: rebuilding the form could swallow a click or keystroke.
    api.join(lookUp).then((joined) => {
      workshopTitle = joined.workshop.title || t('board.untitled');
      const line = left ? null : root.querySelector('#k-join-workshop');
      if (line) line.textContent = workshopLine();
    }).catch((e) => {
      if (left) return;
      message = joinErrorText(e);
      const error = root.querySelector('#k-join-error');
      if (error) error.textContent = message;
    });
  }
  const stopLocale = onLocaleChange(render);
  return () => {
    left = true;
    stopLocale();
  };
}

function joinErrorText(error: unknown): string {
  return error instanceof ApiError && error.status === 404 ? t('join.notFound') : errorText(error);
}

/**
 * Joins with a code and the name kept on this device, then opens the joiner's own personal board
 * (workshops with personal boards at join), the board assigned to the name, or the workshop's list.
 * The landing page's code form and the join page both end here.
 */
export async function joinWorkshop(code: string, navigate: (path: string, state?: unknown) => void): Promise<void> {
  // The capability kept from an earlier join on this device gets the same board back.
  const kept = accessStore.personalForCode(code);
  const joined = await api.join(code, displayName(), kept?.token);
  const w = joined.workshop;
  accessStore.saveToken(w.id, 'participant', joined.token);
  for (const board of w.boards) accessStore.mapBoard(board.id, w.id);
  accessStore.remember({ kind: 'workshop', id: w.id, title: w.title, role: w.role });
  if (joined.personalBoardId && joined.personalToken) {
    // The personal phase comes first: straight to the joiner's own board.
    accessStore.savePersonal(w.id, code, { boardId: joined.personalBoardId, token: joined.personalToken });
    navigate(boardPath(joined.personalBoardId));
    return;
  }
  // A name the facilitator assigned to a board opens that board; its header links back to the list.
  navigate(joinDestination(joined));
}
