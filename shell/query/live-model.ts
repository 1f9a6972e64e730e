// The shell's session as a model: a fresh snapshot of every aggregation, the enablings with their
// firing counts, and the drop and error counters.
import { jsonInt } from '../../kmod/consumer/aggregation.js';
import type { LiveSession } from '../engine/live.js';
import { sessionModel, emptyModel, type QueryProbe, type SessionModel } from './model.js';
import { queryAggregations } from './snapshot.js';

export function liveModel(live: LiveSession | undefined): SessionModel {
  if (!live) return emptyModel();
  const run = live.running;
  const probes: QueryProbe[] = live.enablings.map((e) => ({
    id: e.id, description: e.descs.join(', '), clause: e.text, probes: e.probes, firings: jsonInt(live.firings(e)), enabled: e.enabled,
  }));
  if (!run) return sessionModel([], probes);
  return sessionModel(queryAggregations(run), probes, run.session.counters());
}
