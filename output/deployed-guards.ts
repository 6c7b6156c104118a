/**
 * Unsafe changes against what is deployed (the profile's dist/ in the working tree and at git HEAD):
 * a changed shard count, a skipped Temporal minor or a downgrade are refused with the fix.
 */
import { SpecError } from '../config/load';
import type { Spec } from '../config/schema';
import { compareVersions, parseVersion, upgradePath } from '../config/versions';
import { deployedServerVersions, deployedShardCounts } from './deployed';

/** The shard count is fixed when a cluster first starts; a changed count against what is deployed is refused. */
export function checkShardCount(profile: string, spec: Spec, profileDir: string, sources: readonly string[], newCluster: boolean): void {
  if (newCluster) return;
  for (const deployed of deployedShardCounts(profileDir)) {
    if (deployed.value === spec.temporal.numHistoryShards) continue;
    throw new SpecError(
      profile,
      `profile "${profile}": temporal.numHistoryShards: deployed ${deployed.value} (${deployed.source}), requested ${spec.temporal.numHistoryShards}. ` +
        `A running cluster keeps the shard count it first started with; set it back to ${deployed.value} in ${sources.join(' or ')}. ` +
        'Only for a new cluster on an empty database, run the synth with --new-cluster.',
    );
  }
}

/**
 * Temporal takes one minor release at a time and never goes back (its schema only moves forward):
 * against what is deployed, a skipped minor or a downgrade is refused, with the path to take.
 */
export function checkServerUpgrade(profile: string, spec: Spec, profileDir: string, sources: readonly string[], newCluster: boolean): void {
  if (newCluster) return;
  const requested = parseVersion(spec.images.server.tag);
  if (!requested) return;
  for (const deployed of deployedServerVersions(profileDir)) {
    const from = parseVersion(deployed.value);
    if (!from) continue;
    const at = `profile "${profile}": images.server.tag: deployed ${deployed.value} (${deployed.source}), requested ${spec.images.server.tag}`;
    if (compareVersions(requested, from) < 0) {
      throw new SpecError(
        profile,
        `${at}. Temporal cannot be downgraded: the database schema only moves forward. Set it back to ${deployed.value} in ${sources.join(' or ')}; ` +
          'to return to an older release, restore a backup taken before the upgrade into a new cluster (--new-cluster).',
      );
    }
    // One minor at a time, from the newest patch of the current minor (Temporal's upgrade guide).
    if (requested.major !== from.major || upgradePath(from, requested).length > 1) {
      const path = upgradePath(from, requested);
      throw new SpecError(
        profile,
        `${at}. Temporal upgrades one minor release at a time (schema and server together). Take ${path.join(', then ')}: ` +
          `one commit and rollout each, setting images.server.tag and images.adminTools.tag in ${sources.join(' or ')}.`,
      );
    }
  }
}
