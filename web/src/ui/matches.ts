//! The match table: the automatic groups (collapsed), the answers given for earlier tables (collapsed, each forgettable), then one row per proposed match with Same / Different and undo.
import type { MatchDecision, MatchGroup, MatchMember, MatchTable, MatchVerdict } from '../generated/protocol';
import { t, tn } from '../i18n';
import { effectiveVerdict, matchPreview, reasonKey } from '../model/support';
import { h } from './dom';

export interface MatchActions {
  /** Save a verdict for the proposal at `index`; null forgets the saved one. */
  decide: (index: number, verdict: MatchVerdict | null) => void;
  /** "Same as…": the groups at these indexes are one organisation, though nothing proposed it. */
  sameAs: (groupA: number, groupB: number) => void;
  /** Forget an answer saved for an earlier table (`names` are how the table spells its two keys). */
  forget: (decision: MatchDecision, names: { a: string; b: string }) => void;
}

/** "38 actors → 29; 12 merged; 3 undecided". */
export function previewText(table: Pick<MatchTable, 'groups' | 'proposals'>, decisions: ReadonlyMap<number, MatchVerdict>): string {
  const preview = matchPreview(table, decisions);
  return t('merge.preview', { before: preview.before, after: preview.after, merged: preview.merged, undecided: preview.undecided });
}

export class MatchTableView {
  readonly element: HTMLElement;

  constructor(
    private readonly table: MatchTable,
    private readonly decisions: ReadonlyMap<number, MatchVerdict>,
    private readonly earlier: readonly MatchDecision[],
    private readonly actions: MatchActions,
  ) {
    this.element = h('section', { class: 'k-match', 'aria-labelledby': 'k-match-heading' }, [
      h('h3', { id: 'k-match-heading', tabindex: '-1' }, [t('merge.tableHeading')]),
      h('p', { class: 'k-merge-preview', id: 'k-merge-preview' }, [previewText(table, decisions)]),
      this.automatic(),
      this.earlierAnswers(),
      this.proposals(),
      this.sameAsForm(),
    ]);
  }

  /** Two names of the table, chosen freely, said to be one organisation. */
  private sameAsForm(): HTMLElement {
    const options = () => this.table.groups
      .map((group, index) => ({ index, label: groupLabel(group, (id) => this.titleOf(id)) }))
      .sort((x, y) => x.label.localeCompare(y.label))
      .map((o) => h('option', { value: o.index }, [o.label]));
    const first = h('select', { id: 'k-same-as-a' }, options());
    const second = h('select', { id: 'k-same-as-b' }, options());
    if (second.options.length > 1) second.selectedIndex = 1;
    return h('form', { class: 'k-same-as', id: 'k-same-as', onsubmit: (e: Event) => {
      e.preventDefault();
      if (first.value !== second.value) this.actions.sameAs(Number(first.value), Number(second.value));
    } }, [
      h('h4', {}, [t('merge.sameAsHeading')]),
      h('div', { class: 'k-row k-wrap' }, [
        h('div', { class: 'k-control-row' }, [h('label', { for: 'k-same-as-a' }, [t('merge.sameAsFirst')]), first]),
        h('div', { class: 'k-control-row' }, [h('label', { for: 'k-same-as-b' }, [t('merge.sameAsSecond')]), second]),
        h('button', { type: 'submit', id: 'k-same-as-submit' }, [t('merge.sameAsButton')]),
      ]),
    ]);
  }

  private titleOf(sourceId: string): string {
    return this.table.sources.find((s) => s.id === sourceId)?.title || t('board.untitled');
  }

  /** "Turku — Group 2 (3 relations)". */
  private spelling(member: MatchMember): HTMLElement {
    return h('li', {}, [
      h('span', { class: 'k-match-name' }, [member.name || t('outline.unnamed')]),
      h('span', { class: 'k-muted' }, [` — ${this.titleOf(member.sourceId)} (${tn('merge.relations', member.relations)})`]),
    ]);
  }

  private automatic(): HTMLElement {
    const joined = this.table.groups.filter((g) => g.members.length > 1);
    return h('details', { class: 'k-match-auto', id: 'k-match-auto' }, [
      h('summary', {}, [tn('merge.automatic', joined.length)]),
      joined.length === 0 ? h('p', { class: 'k-muted' }, [t('merge.automaticNone')]) : h('ul', { class: 'k-match-groups' }, joined.map((group) => h('li', {}, [
        h('ul', { class: 'k-match-spellings' }, group.members.map((m) => this.spelling(m))),
        h('span', { class: 'k-muted' }, [reasonsText(group)]),
      ]))),
    ]);
  }

  /**
   * Answers given for earlier tables about names on these maps: a "same" shows above as a group
   * confirmed earlier, a "different" is no longer proposed, so without this list neither could be
   * taken back from the page. Decisions about names not on these maps are left out.
   */
  private earlierAnswers(): HTMLElement | null {
    const spellingOf = new Map<string, string>();
    for (const group of this.table.groups) {
      for (const member of group.members) if (!spellingOf.has(member.key)) spellingOf.set(member.key, member.name || t('outline.unnamed'));
    }
    const relevant = this.earlier.filter((d) => spellingOf.has(d.keyA) && spellingOf.has(d.keyB));
    if (relevant.length === 0) return null;
    return h('details', { class: 'k-match-earlier', id: 'k-match-earlier' }, [
      h('summary', {}, [tn('merge.earlier', relevant.length)]),
      h('ul', { class: 'k-match-groups' }, relevant.map((decision) => {
        const names = { a: spellingOf.get(decision.keyA)!, b: spellingOf.get(decision.keyB)! };
        return h('li', { 'data-earlier': decision.verdict }, [
          h('span', {}, [t(decision.verdict === 'same' ? 'merge.earlierSame' : 'merge.earlierDifferent', names)]),
          ' ',
          h('button', {
            type: 'button', class: 'k-small', 'data-forget': '',
            'aria-label': t('merge.forgetLabel', names),
            onclick: () => this.actions.forget(decision, names),
          }, [t('merge.forget')]),
        ]);
      })),
    ]);
  }

  private proposals(): HTMLElement {
    const { proposals, groups } = this.table;
    if (proposals.length === 0) return h('p', { class: 'k-muted', id: 'k-match-none' }, [t('merge.noProposals')]);
    const rows = proposals.map((proposal, index) => {
      const a = groups[proposal.groupA];
      const b = groups[proposal.groupB];
      const members = [...(a?.members ?? []), ...(b?.members ?? [])];
      const kinds = [...new Set(members.map((m) => t(`actorKind.${m.kind}`)))].join(', ');
      const saved = this.decisions.get(index);
      const state = effectiveVerdict(proposal.band, saved);
      const names = members.map((m) => m.name).join(' / ');
      // Both groups have a card on one map: the merge never joins two cards of one map, so a
      // "same" here would be silently kept apart. Say so and leave "different" to answer it.
      const sharedMaps = proposal.sharedMaps ?? [];
      const blocked = sharedMaps.length > 0;
      const blockedId = `k-match-blocked-${index}`;
      // "Same" stays focusable (aria-disabled, not disabled) so a screen reader finds it and hears why.
      const refused = (verdict: MatchVerdict) => blocked && verdict === 'same';
      const button = (verdict: MatchVerdict) => h('button', {
        type: 'button', class: `k-small k-toggle k-decide-${verdict}`, 'data-decide': verdict, 'aria-pressed': String(state === verdict && !refused(verdict)),
        'aria-label': t(verdict === 'same' ? 'merge.sameLabel' : 'merge.differentLabel', { names }),
        'aria-disabled': refused(verdict) ? 'true' : null, 'aria-describedby': refused(verdict) ? blockedId : null,
        onclick: () => { if (!refused(verdict)) this.actions.decide(index, verdict); },
      }, [t(verdict === 'same' ? 'merge.same' : 'merge.different')]);
      const stateText = blocked && saved !== 'different'
        ? t('merge.stateBlocked')
        : saved ? t('merge.stateSaved') : state === 'same' ? t('merge.statePreticked') : t('merge.stateOpen');
      const same = button('same');
      return h('tr', { 'data-proposal': index, 'data-state': state, 'data-blocked': blocked ? 'same-map' : null, class: blocked ? 'k-match-blocked' : null }, [
        h('th', { scope: 'row' }, [
          h('ul', { class: 'k-match-spellings' }, members.map((m) => this.spelling(m))),
          blocked ? h('p', { class: 'k-match-why', id: blockedId }, [
            h('span', { 'aria-hidden': 'true' }, ['⚠ ']),
            t('merge.blocked', { maps: sharedMaps.map((id) => this.titleOf(id)).join(', ') }),
          ]) : null,
        ]),
        h('td', {}, [kinds]),
        h('td', {}, [h('span', { class: `k-badge k-band-${proposal.band}` }, [t(`merge.band.${proposal.band}`)])]),
        h('td', {}, [t(reasonKey(proposal.reason))]),
        h('td', {}, [
          h('div', { class: 'k-row k-wrap', role: 'group', 'aria-label': t('merge.decision') }, [
            same, button('different'),
            saved ? h('button', { type: 'button', class: 'k-small', 'data-decide': 'undo', 'aria-label': t('merge.undoLabel', { names }), onclick: () => this.actions.decide(index, null) }, [t('merge.undo')]) : null,
          ]),
          h('p', { class: 'k-muted k-small-text' }, [stateText]),
        ]),
      ]);
    });
    return h('div', { class: 'k-match-scroll' }, [
      h('table', { class: 'k-match-table', id: 'k-match-table' }, [
        h('caption', {}, [t('merge.caption')]),
        h('thead', {}, [h('tr', {}, [
          h('th', { scope: 'col' }, [t('merge.colSpellings')]),
          h('th', { scope: 'col' }, [t('field.kind')]),
          h('th', { scope: 'col' }, [t('merge.colBand')]),
          h('th', { scope: 'col' }, [t('merge.colReason')]),
          h('th', { scope: 'col' }, [t('merge.decision')]),
        ])]),
        h('tbody', {}, rows),
      ]),
    ]);
  }
}

/** "Turku (Group 1, Group 2)": a group's first spelling and the maps it is on. */
function groupLabel(group: MatchGroup, titleOf: (sourceId: string) => string): string {
  const names = [...new Set(group.members.map((m) => m.name))].join(' / ');
  const maps = [...new Set(group.members.map((m) => titleOf(m.sourceId)))].join(', ');
  return `${names} (${maps})`;
}

function reasonsText(group: MatchGroup): string {
  return group.reasons.map((r) => t(reasonKey(r))).join('; ');
}
