/** Field types shared by every spec section: names, quantities, images, resources. */
import { z } from 'zod';
import { cpuMillis, memoryBytes } from './quantities';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export const dnsLabel = z
  .string()
  .max(63, 'must be at most 63 characters (a DNS-1123 label)')
  .regex(DNS1123_LABEL, 'must be a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit');

export const dnsSubdomain = z
  .string()
  .max(253)
  .regex(DNS1123_SUBDOMAIN, 'must be a DNS-1123 subdomain such as "temporal.example.com"');

export const cpu = z.string().refine((v) => cpuMillis(v) !== undefined, 'must be a CPU quantity such as "250m" or "2"');
export const memory = z.string().refine((v) => memoryBytes(v) !== undefined, 'must be a memory quantity such as "256Mi" or "2Gi"');
export const positiveInt = z.number().int('must be a whole number').min(1, 'must be at least 1');
export const port = z.number().int().min(1).max(65535);
/** A Job's `activeDeadlineSeconds`: the bound on a run, waits and retries included. */
export const deadlineSeconds = z.number().int('must be a whole number').min(60, 'must be at least 60 seconds: the pod must pull its image and start within it');

export const imageSchema = z.strictObject({
  repository: z
    .string()
    .regex(/^([a-z0-9.-]+(:[0-9]+)?\/)?[a-z0-9]+([._/-][a-z0-9]+)*$/, 'must be an image repository such as "temporalio/server"; put the version in "tag", not after a colon'),
  tag: z
    .string()
    .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, 'must be a pinned image tag such as "1.31.2"'),
  pullPolicy: z.enum(['IfNotPresent', 'Always', 'Never']),
});

export const resourcesSchema = z
  .strictObject({
    requests: z.strictObject({ cpu, memory }),
    limits: z.strictObject({ cpu: cpu.optional(), memory }),
  })
  .superRefine((r, ctx) => {
    if (r.limits.cpu !== undefined && cpuMillis(r.requests.cpu)! > cpuMillis(r.limits.cpu)!) {
      ctx.addIssue({ code: 'custom', path: ['requests', 'cpu'], message: `request ${r.requests.cpu} exceeds limit ${r.limits.cpu}; lower the request or raise the limit` });
    }
    if (memoryBytes(r.requests.memory)! > memoryBytes(r.limits.memory)!) {
      ctx.addIssue({ code: 'custom', path: ['requests', 'memory'], message: `request ${r.requests.memory} exceeds limit ${r.limits.memory}; lower the request or raise the limit` });
    }
  });

/** An IPv4 CIDR, e.g. for NetworkPolicy ipBlocks. */
export const cidr = z.string().regex(/^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\/([0-9]|[12]\d|3[0-2])$/, 'must be an IPv4 CIDR such as "10.0.0.0/16"');

/** A Go duration of h/m/s components, e.g. `300s`, `1h`, `2160h`. */
export const goDuration = z.string().regex(/^(\d+(s|m|h))+$/, 'must be a Go duration such as "300s", "1h" or "2160h"');

export const storageSchema = z.strictObject({
  size: memory,
  /** @default the cluster's default StorageClass */
  storageClassName: dnsSubdomain.optional(),
});

/** How an HPA scales down: `default` is Kubernetes' own; `conservative` moves one pod at a time, slowly. */
export const autoscalingSchema = z
  .strictObject({
    minReplicas: positiveInt,
    maxReplicas: positiveInt,
    targetCPUUtilizationPercentage: z.number().int().min(1).max(100),
    /** Also scale on memory (percent of the request). @default CPU only */
    targetMemoryUtilizationPercentage: z.number().int().min(1).max(100).optional(),
    behavior: z.enum(['default', 'conservative']),
  })
  .superRefine((a, ctx) => {
    if (a.minReplicas > a.maxReplicas) {
      ctx.addIssue({ code: 'custom', path: ['minReplicas'], message: `minReplicas (${a.minReplicas}) must be ≤ maxReplicas (${a.maxReplicas}); lower minReplicas or raise maxReplicas` });
    }
  });

export const scaledWorkload = {
  /** Used when autoscaling is off; an HPA owns replicas otherwise. */
  replicas: positiveInt,
  /** `null` in an overlay removes the HPA inherited from the base. */
  autoscaling: autoscalingSchema.nullable().optional().transform((a) => a ?? undefined),
  resources: resourcesSchema,
};

