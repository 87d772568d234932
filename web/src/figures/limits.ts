// When the browser estimates broker scores instead of computing them exactly. Kept apart from
// the computation so the page can say so without loading graphology.

/**
 * Up to this many actors, broker scores are exact (as the server's exports). Above it they are
 * estimated from a sample of start points (Brandes & Pich 2007), and the outline says so:
 * exact betweenness of 2,000 actors takes graphology over a second, far beyond a live update.
 */
export const EXACT_BETWEENNESS_LIMIT = 500;
/** Start points of the estimate: enough for the top brokers to stand out, in well under 100 ms. */
export const SAMPLED_SOURCES = 100;

/** Whether the broker scores of a map of `actorCount` actors are estimated rather than exact. */
export function betweennessIsSampled(actorCount: number): boolean {
  return actorCount > EXACT_BETWEENNESS_LIMIT;
}
