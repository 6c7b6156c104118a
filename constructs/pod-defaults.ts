/**
 * Explicit pod and container settings shared by every workload: Pod Security "restricted",
 * resources, image, probes. Nothing here is left to a library default.
 */
import { k8s } from '../imports/k8s';

export interface RunAsProps {
  /** Numeric uid; must be non-zero. */
  readonly user: number;
  /** Numeric gid. */
  readonly group: number;
  /** @default the group */
  readonly fsGroup?: number;
}

export function restrictedPodSecurityContext(runAs: RunAsProps): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: runAs.user,
    runAsGroup: runAs.group,
    fsGroup: runAs.fsGroup ?? runAs.group,
    fsGroupChangePolicy: 'OnRootMismatch',
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

export function restrictedContainerSecurityContext(readOnlyRootFilesystem = true): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem,
    runAsNonRoot: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

export interface ImageProps {
  readonly repository: string;
  readonly tag: string;
  /** `sha256:<hex>`: the runtime pulls by digest, the tag stays for people. @default none */
  readonly digest?: string;
  readonly pullPolicy: 'IfNotPresent' | 'Always' | 'Never';
}

export function imageRef(image: ImageProps): string {
  return `${image.repository}:${image.tag}${image.digest ? `@${image.digest}` : ''}`;
}

export interface ResourceProps {
  readonly requests: { readonly cpu: string; readonly memory: string };
  /** A CPU limit is optional: throttling hurts latency-sensitive services. */
  readonly limits: { readonly cpu?: string; readonly memory: string };
}

export function resourceRequirements(r: ResourceProps): k8s.ResourceRequirements {
  const limits: Record<string, k8s.Quantity> = { memory: k8s.Quantity.fromString(r.limits.memory) };
  if (r.limits.cpu !== undefined) limits.cpu = k8s.Quantity.fromString(r.limits.cpu);
  return {
    requests: { cpu: k8s.Quantity.fromString(r.requests.cpu), memory: k8s.Quantity.fromString(r.requests.memory) },
    limits,
  };
}

export type ProbeCheck =
  | { readonly type: 'http'; readonly path: string; readonly port: number | string }
  | { readonly type: 'tcp'; readonly port: number | string }
  | { readonly type: 'exec'; readonly command: readonly string[] }
  | { readonly type: 'grpc'; readonly port: number; readonly service?: string };

export interface ProbeTiming {
  readonly initialDelaySeconds?: number;
  /** @default 10 */
  readonly periodSeconds?: number;
  /** @default 5 */
  readonly timeoutSeconds?: number;
  /** @default 3 */
  readonly failureThreshold?: number;
}

const portValue = (p: number | string) => (typeof p === 'number' ? k8s.IntOrString.fromNumber(p) : k8s.IntOrString.fromString(p));

export function probe(check: ProbeCheck, timing: ProbeTiming = {}): k8s.Probe {
  const handler: Partial<k8s.Probe> =
    check.type === 'http'
      ? { httpGet: { path: check.path, port: portValue(check.port), scheme: 'HTTP' } }
      : check.type === 'tcp'
        ? { tcpSocket: { port: portValue(check.port) } }
        : check.type === 'exec'
          ? { exec: { command: [...check.command] } }
          : { grpc: { port: check.port, service: check.service } };
  return {
    ...handler,
    initialDelaySeconds: timing.initialDelaySeconds,
    periodSeconds: timing.periodSeconds ?? 10,
    timeoutSeconds: timing.timeoutSeconds ?? 5,
    failureThreshold: timing.failureThreshold ?? 3,
    successThreshold: 1,
  };
}

/**
 * Spread over zones and nodes; ScheduleAnyway so a single-zone cluster still schedules.
 * `matchLabelKeys` limits the spread to one rollout's pods (Deployments); StatefulSets pass [].
 */
export function topologySpread(
  selector: Record<string, string>,
  matchLabelKeys: string[] = ['pod-template-hash'],
): k8s.TopologySpreadConstraint[] {
  return ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'].map((topologyKey) => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: { matchLabels: selector },
    matchLabelKeys: matchLabelKeys.length ? matchLabelKeys : undefined,
  }));
}

/** An emptyDir for a writable path under a read-only root filesystem. */
export function scratchVolume(name: string, sizeLimit = '64Mi'): k8s.Volume {
  return { name, emptyDir: { sizeLimit: k8s.Quantity.fromString(sizeLimit) } };
}
