/** How Argo CD deploys a profile: the Git source of dist/, the destination, and the sync policy. */
import { z } from 'zod';
import { dnsLabel } from './primitives';

export const gitopsSchema = z.strictObject({
  /** The Git repository that holds this project's dist/ (Argo CD reads it). */
  repoURL: z.string().regex(/^(https:\/\/|ssh:\/\/|git@)\S+$/, 'must be a Git URL such as "https://github.com/example-org/temporal-platform.git"'),
  /** Branch, tag or commit Argo CD deploys. */
  targetRevision: z.string().min(1),
  /** Path of dist/ inside the repository. */
  distPath: z.string().regex(/^[A-Za-z0-9._/-]+$/, 'must be a relative path such as "dist"'),
  /** The Argo CD project every profile belongs to (one AppProject is rendered). */
  project: dnsLabel,
  /** The namespace Argo CD runs in (Applications and the AppProject live there). */
  argocdNamespace: dnsLabel,
  /** Cluster API URL of the destination; the in-cluster one by default. */
  destinationServer: z.string().url(),
  /**
   * `automated-prune`: sync on every commit and delete what was removed (dev).
   * `automated`: sync on every commit, never delete (staging). `manual`: an operator presses Sync (production).
   */
  syncPolicy: z.enum(['automated-prune', 'automated', 'manual']),
});
