/** How Argo CD deploys a profile: the Git source of dist/, the destination, and the sync policy. */
import { z } from 'zod';
import { dnsLabel } from './primitives';

export const gitopsSchema = z.strictObject({
  repoURL: z
    .string()
    .regex(/^(https:\/\/|ssh:\/\/|git@)\S+$/, 'must be a Git URL such as "https://github.com/example-org/temporal-platform.git"')
    .describe("The Git repository that holds this project's dist/ (Argo CD reads it); the same in every profile."),
  targetRevision: z.string().min(1).describe('Branch, tag or commit Argo CD deploys.'),
  distPath: z
    .string()
    .regex(/^[A-Za-z0-9._/-]+$/, 'must be a relative path such as "dist"')
    .describe('Path of dist/ inside the repository.'),
  project: dnsLabel.describe('The Argo CD project every profile belongs to (one AppProject is rendered); the same in every profile.'),
  argocdNamespace: dnsLabel.describe(
    'The namespace Argo CD runs in (the Applications and the AppProject live there); the same in every profile.',
  ),
  destinationServer: z
    .string()
    .url()
    .describe('API server URL of the destination cluster, e.g. "https://kubernetes.default.svc" (the in-cluster one).'),
  syncPolicy: z
    .enum(['automated-prune', 'automated', 'manual'])
    .describe('automated-prune: sync every commit and delete what was removed; automated: never delete; manual: an operator syncs.'),
});
