/**
 * The profile values: the base every profile starts from and the typed profiles. A YAML file
 * `overlays/<name>.yaml` extends one of these or adds a new profile; config/load.ts merges them.
 */
import type { ProfileOverlay } from '../config/profile';
import { dev } from './dev';
import { production } from './production';
import { staging } from './staging';

export { base, workerPoolDefaults } from './base';

/** Typed profiles, by name. */
export const TYPED_PROFILES: Readonly<Record<string, ProfileOverlay>> = { dev, staging, production };
