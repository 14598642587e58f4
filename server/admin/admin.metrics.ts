import type { Member } from '../db/member';
import { type MetricsGlance, metricsHistory } from '../metrics/metrics.history';
import { authorize, siteActor } from '../policy/policy';

/**
 * /admin/metrics and /api/admin/metrics: this process's numbers at a glance, for admins. The
 * numbers say how busy the forum is and what it holds in memory: nothing personal, but not for
 * everyone (the same reasoning keeps /metrics from the public).
 */

/** The process's short history (metrics.history.ts) and the span still open; admins only. */
export async function metricsAtAGlance(viewer: Member | null): Promise<MetricsGlance> {
  authorize(siteActor(viewer), 'administer', null);
  return metricsHistory().glance();
}
