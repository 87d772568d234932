// The landing page: name, a quick board, a new workshop, joining by code, opening a link, and what was opened here.
import { locale, t, onLocaleChange } from '../i18n';
import { LOCALE_CODES, TEMPLATE_CODES } from '../generated/protocol';
import type { Locale, Template } from '../generated/protocol';
import { LOCALE_NAMES } from '../i18n';
import { api, ApiError } from '../api/client';
import { accessStore } from '../access/store';
import { boardPath, formatJoinCode, parseBoardInput, parseWorkshopInput, workshopPath } from '../access/links';
import { displayName, setDisplayName } from './identity';
import { h } from './dom';
import { languageSelect } from './language';
import { errorText } from './common';
import { joinWorkshop } from './join';

type Navigate = (path: string, state?: unknown) => void;

const RETENTION_CHOICES = [30, 90, 180, 365, 730];
const DEFAULT_RETENTION = 180;
const MAX_GROUPS = 30;

/** Names typed one per line (or separated by commas) into the personal-boards field. */
export function personalNames(text: string): string[] {
  const seen = new Set<string>();
  return text.split(/[\n,;]/).map((n) => n.trim().slice(0, 60)).filter((n) => n && !seen.has(n.toLowerCase()) && seen.add(n.toLowerCase()));
}

export function mountLanding(root: HTMLElement, navigate: Navigate): () => void {
  // What was typed into the forms survives a language switch.
  const kept: Record<string, string> = {};
  let busy = false;
  const render = () => {
    const focusedId = document.activeElement?.id;
    const field = <E extends HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>(el: E, fallback = ''): E => {
      el.value = kept[el.id] ?? fallback;
      el.addEventListener('input', () => (kept[el.id] = el.value));
      return el;
    };
    const name = h('input', { id: 'k-name', type: 'text', autocomplete: 'nickname', maxlength: 40, value: displayName() });
    name.addEventListener('change', () => setDisplayName(name.value));
    const saveName = () => setDisplayName(name.value);

    // Quick board.
    const createError = h('p', { class: 'k-error', role: 'alert', id: 'k-create-error' });
    const create = async () => {
      if (busy) return;
      saveName();
      busy = true;
      createError.textContent = t('common.working');
      try {
        const created = await api.createBoard({ locale: locale() });
        const board = created.workshop.boards[0]!;
        accessStore.saveCreated(created.workshop.id, created.tokens, created.workshop.boards.map((b) => b.id));
        accessStore.remember({ kind: 'board', id: board.id, title: board.title, role: 'facilitator' });
        navigate(boardPath(board.id), { share: true });
      } catch (error) {
        createError.textContent = errorText(error);
      } finally {
        busy = false;
      }
    };

    // Workshop.
    const wTitle = field(h('input', { id: 'k-w-title', type: 'text', required: true, maxlength: 120, autocomplete: 'off' }));
    const wLocale = field(h('select', { id: 'k-w-locale' }, LOCALE_CODES.map((c) => h('option', { value: c, lang: c }, [LOCALE_NAMES[c]]))), locale());
    const wTemplate = field(h('select', { id: 'k-w-template' }, TEMPLATE_CODES.map((c) => h('option', { value: c }, [t(`template.${c}`)]))), 'rings');
    const wGroups = field(h('input', { id: 'k-w-groups', type: 'number', min: 0, max: MAX_GROUPS, required: true, inputmode: 'numeric' }), '4');
    const wPersonal = field(h('textarea', { id: 'k-w-personal', rows: 3 }));
    // Off unless asked for, as the API's default: a group-only day stays as it was.
    const wAtJoin = h('input', { id: 'k-w-personal-at-join', type: 'checkbox', 'aria-describedby': 'k-w-personal-at-join-help' });
    wAtJoin.checked = kept[wAtJoin.id] === '1';
    wAtJoin.addEventListener('change', () => (kept[wAtJoin.id] = wAtJoin.checked ? '1' : ''));
    const wRetention = field(h('select', { id: 'k-w-retention' }, RETENTION_CHOICES.map((d) => h('option', { value: d }, [t('workshopForm.days', { count: d })]))), String(DEFAULT_RETENTION));
    const wError = h('p', { class: 'k-error', role: 'alert', id: 'k-w-error' });
    const createWorkshop = async (event: Event) => {
      event.preventDefault();
      if (busy) return;
      saveName();
      const groupCount = Math.max(0, Math.min(MAX_GROUPS, Math.round(Number(wGroups.value) || 0)));
      busy = true;
      wError.textContent = t('common.working');
      try {
        const created = await api.createWorkshop({
          title: wTitle.value.trim(), locale: wLocale.value as Locale, template: wTemplate.value as Template,
          groupCount, personalBoards: personalNames(wPersonal.value), retentionDays: Number(wRetention.value),
          personalBoardsAtJoin: wAtJoin.checked,
        });
        const w = created.workshop;
        accessStore.saveCreated(w.id, created.tokens, w.boards.map((b) => b.id));
        accessStore.remember({ kind: 'workshop', id: w.id, title: w.title, role: 'facilitator' });
        for (const key of Object.keys(kept)) delete kept[key];
        navigate(workshopPath(w.id));
      } catch (error) {
        wError.textContent = errorText(error);
      } finally {
        busy = false;
      }
    };

    // Join by code.
    const code = field(h('input', { id: 'k-join-code', type: 'text', autocomplete: 'off', spellcheck: 'false', autocapitalize: 'characters', maxlength: 40 }));
    const joinError = h('p', { class: 'k-error', role: 'alert', id: 'k-join-error' });
    // One step: the code and the name on one form, straight into the workshop.
    const join = async (event: Event) => {
      event.preventDefault();
      if (busy) return;
      saveName();
      const formatted = formatJoinCode(code.value);
      if (!formatted) {
        joinError.textContent = t('landing.invalidCode');
        code.setAttribute('aria-invalid', 'true');
        code.focus();
        return;
      }
      code.removeAttribute('aria-invalid');
      if (!name.value.trim()) {
        joinError.textContent = t('landing.nameNeeded');
        name.focus();
        return;
      }
      busy = true;
      joinError.textContent = t('common.working');
      try {
        await joinWorkshop(formatted, navigate);
      } catch (error) {
        joinError.textContent = error instanceof ApiError && error.status === 404 ? t('join.notFound') : errorText(error);
      } finally {
        busy = false;
      }
    };

    // Open a link.
    const link = field(h('input', { id: 'k-open', type: 'text', autocomplete: 'off', spellcheck: 'false' }));
    const openError = h('p', { class: 'k-error', role: 'alert' });
    const open = (event: Event) => {
      event.preventDefault();
      saveName();
      const workshop = parseWorkshopInput(link.value);
      const board = workshop ? null : parseBoardInput(link.value);
      const target = workshop ? `${workshopPath(workshop.workshopId)}${workshop.token ? `#t=${encodeURIComponent(workshop.token)}` : ''}`
        : board ? `${boardPath(board.boardId)}${board.token ? `#t=${encodeURIComponent(board.token)}` : ''}` : null;
      if (!target) {
        openError.textContent = t('landing.invalid');
        link.setAttribute('aria-invalid', 'true');
        return;
      }
      navigate(target);
    };

    const recent = accessStore.recent();
    const recentLink = (p: (typeof recent)[number]) => {
      const path = p.kind === 'workshop' ? workshopPath(p.id) : boardPath(p.id);
      const meta = [t(p.kind === 'workshop' ? 'recent.workshop' : 'recent.board'), p.role ? t(`role.${p.role}`) : ''].filter(Boolean).join(' · ');
      return h('li', {}, [
        h('a', { href: path, onclick: (e: Event) => { e.preventDefault(); navigate(path); } }, [p.title || t('board.untitled')]),
        h('span', { class: 'k-muted k-small-text' }, [` ${meta}`]),
      ]);
    };
    root.replaceChildren(
      h('main', { class: 'k-landing' }, [
        h('div', { class: 'k-landing-top' }, [languageSelect()]),
        h('h1', {}, [h('span', { class: 'k-logo', 'aria-hidden': 'true' }), t('app.name')]),
        h('p', { class: 'k-tagline' }, [t('app.tagline')]),
        h('p', {}, [t('landing.intro')]),
        h('form', { class: 'k-card', id: 'k-join-form', onsubmit: (e: Event) => void join(e) }, [
          h('h2', {}, [t('landing.join')]),
          h('label', { for: 'k-join-code' }, [t('landing.joinLabel')]),
          code,
          // The name also goes with a new board or workshop made below.
          h('label', { for: 'k-name' }, [t('landing.name')]),
          name,
          h('button', { type: 'submit', id: 'k-join', class: 'k-primary' }, [t('landing.joinButton')]),
          joinError,
        ]),
        h('section', { class: 'k-card' }, [
          h('h2', {}, [t('landing.quickTitle')]),
          h('p', { class: 'k-muted' }, [t('landing.quickHelp')]),
          h('button', { class: 'k-primary', type: 'button', id: 'k-create', onclick: () => void create() }, [t('landing.create')]),
          createError,
        ]),
        h('details', { class: 'k-card k-workshop-form', id: 'k-workshop-details', open: kept['k-w-open'] === '1' }, [
          h('summary', { onclick: () => (kept['k-w-open'] = kept['k-w-open'] === '1' ? '' : '1') }, [h('h2', {}, [t('landing.workshopTitle')])]),
          h('p', { class: 'k-muted' }, [t('landing.workshopHelp')]),
          h('form', { id: 'k-workshop-form', onsubmit: createWorkshop }, [
            h('label', { for: 'k-w-title' }, [t('workshopForm.title')]), wTitle,
            h('div', { class: 'k-form-grid' }, [
              h('div', {}, [h('label', { for: 'k-w-locale' }, [t('workshopForm.language')]), wLocale]),
              h('div', {}, [h('label', { for: 'k-w-template' }, [t('workshopForm.template')]), wTemplate]),
              h('div', {}, [h('label', { for: 'k-w-groups' }, [t('workshopForm.groups')]), wGroups]),
              h('div', {}, [h('label', { for: 'k-w-retention' }, [t('workshopForm.retention')]), wRetention]),
            ]),
            h('div', { class: 'k-field k-check' }, [wAtJoin, h('label', { for: 'k-w-personal-at-join' }, [t('workshopForm.personalAtJoin')])]),
            h('p', { class: 'k-muted k-small-text', id: 'k-w-personal-at-join-help' }, [t('workshopForm.personalAtJoinHelp')]),
            h('label', { for: 'k-w-personal' }, [t('workshopForm.personal')]), wPersonal,
            h('button', { type: 'submit', class: 'k-primary', id: 'k-w-create' }, [t('workshopForm.create')]),
            wError,
          ]),
        ]),
        h('form', { class: 'k-card', onsubmit: open }, [
          h('h2', {}, [t('landing.open')]),
          h('label', { for: 'k-open' }, [t('landing.openLabel')]),
          h('div', { class: 'k-row' }, [link, h('button', { type: 'submit' }, [t('landing.openButton')])]),
          openError,
        ]),
        recent.length > 0 && h('section', { class: 'k-card' }, [
          h('h2', {}, [t('landing.recent')]),
          h('ul', { class: 'k-recent' }, recent.map(recentLink)),
        ]),
        h('p', { class: 'k-fineprint' }, [t('landing.privacy')]),
      ]),
    );
    document.title = `${t('app.name')} · ${t('app.tagline')}`;
    if (focusedId) document.getElementById(focusedId)?.focus();
  };
  render();
  return onLocaleChange(render);
}
