/** Field types shared by every spec section: names, numbers, quantities, images, labels, resources. */
import { z } from 'zod';
import { cpuMillis, goDurationSeconds, memoryBytes } from '../lib/quantities';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export const dnsLabel = z
  .string()
  .max(63, 'must be at most 63 characters (a DNS-1123 label)')
  .regex(DNS1123_LABEL, 'must be a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit');

export const dnsSubdomain = z
  .string()
  .max(253, 'must be at most 253 characters (a DNS-1123 subdomain)')
  .regex(DNS1123_SUBDOMAIN, 'must be a DNS-1123 subdomain such as "temporal.example.com"');

/** Kubernetes counts (replicas, seconds, limits) are int32. */
export const INT32_MAX = 2 ** 31 - 1;
export const int32 = (min: number, minMessage = `must be at least ${min}`) =>
  z
    .number()
    .int('must be a whole number')
    .min(min, minMessage)
    .max(INT32_MAX, `must be at most ${INT32_MAX} (Kubernetes stores it as a 32-bit integer)`);
export const positiveInt = int32(1);
export const nonNegativeInt = int32(0);
export const port = z
  .number()
  .int('must be a whole number')
  .min(1, 'must be a port from 1 to 65535')
  .max(65535, 'must be a port from 1 to 65535');
/** A Job's `activeDeadlineSeconds`: the bound on a run, waits and retries included. */
export const deadlineSeconds = int32(60, 'must be at least 60 seconds: the pod must pull its image and start within it');

/** A list of ports with no port twice. */
export const portList = z.array(port).superRefine((ports, ctx) => {
  ports.forEach((p, i) => {
    if (ports.indexOf(p) !== i)
      ctx.addIssue({
        code: 'custom',
        path: [i],
        message: `port ${p} is listed twice (also at index ${ports.indexOf(p)}); list each port once`,
      });
  });
});

export const cpu = z.string().refine((v) => cpuMillis(v) !== undefined, 'must be a CPU quantity such as "250m" or "2"');
export const memory = z
  .string()
  .refine(
    (v) => memoryBytes(v) !== undefined,
    'must be a byte quantity such as "256Mi" or "2Gi" (suffixes k, M, G, T, Ki, Mi, Gi, Ti, …; "m" would mean thousandths of a byte)',
  );
const positive = (q: z.ZodType<string>, parse: (v: string) => number | undefined, what: string) =>
  q.refine((v) => (parse(v) ?? 1) > 0, `must be more than zero (${what})`);

/**
 * An image: `repository` and `tag` (which is also the `app.kubernetes.io/version` label), optionally
 * pinned by a digest written after either (`repo@sha256:…` or `1.31.2@sha256:…`). The output
 * keeps the three apart; the pod's image is `repository:tag@digest`.
 */
const DIGEST_SUFFIX = /^(.*?)@(sha256:[a-f0-9]{64})$/;
const REPOSITORY = /^([a-z0-9.-]+(:[0-9]+)?\/)?[a-z0-9]+([._/-][a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
export const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;
const splitDigest = (v: string): [string, string | undefined] => {
  const m = DIGEST_SUFFIX.exec(v);
  return m ? [m[1], m[2]] : [v, undefined];
};

export const imageSchema = z
  .strictObject({
    repository: z
      .string()
      .refine(
        (v) => REPOSITORY.test(splitDigest(v)[0]),
        'must be an image repository such as "temporalio/server" (optionally "@sha256:<64 hex digits>"); ' +
          'put the version in "tag", not after a colon',
      )
      .describe('Image repository, e.g. "temporalio/server"; may end in "@sha256:<digest>" to pin the image by digest.'),
    tag: z
      .string()
      .refine(
        (v) => TAG.test(splitDigest(v)[0]),
        'must be a pinned image tag such as "1.31.2" (optionally "1.31.2@sha256:<64 hex digits>")',
      )
      .refine((v) => {
        const t = splitDigest(v)[0];
        return !TAG.test(t) || (t.length <= 63 && LABEL_VALUE.test(t));
      }, 'is also the app.kubernetes.io/version label: at most 63 characters, starting and ending with a letter or digit')
      .describe('Image tag and app.kubernetes.io/version label, optionally "…@sha256:<digest>"; "latest" only pinned or in development.'),
    pullPolicy: z.enum(['IfNotPresent', 'Always', 'Never']).describe("The container's imagePullPolicy."),
  })
  .transform((img, ctx) => {
    const [repository, repoDigest] = splitDigest(img.repository);
    const [tag, tagDigest] = splitDigest(img.tag);
    if (repoDigest && tagDigest && repoDigest !== tagDigest) {
      ctx.addIssue({ code: 'custom', path: ['tag'], message: 'names a different digest than repository; pin the image once' });
    }
    const digest = repoDigest ?? tagDigest;
    return { repository, tag, ...(digest ? { digest } : {}), pullPolicy: img.pullPolicy };
  });

export const resourcesSchema = z
  .strictObject({
    requests: z
      .strictObject({
        cpu: cpu.describe('CPU request, e.g. "250m"; what the scheduler reserves and HPA CPU utilization is a percentage of.'),
        memory: memory.describe('Memory request, e.g. "256Mi"; what the scheduler reserves and HPA memory utilization is a percentage of.'),
      })
      .describe('What the scheduler reserves for the container; each must be at most its limit.'),
    limits: z
      .strictObject({
        cpu: positive(cpu, cpuMillis, 'a zero limit lets the container no CPU time')
          .optional()
          .describe('CPU limit, e.g. "1"; no CPU limit (no throttling) when absent.'),
        memory: positive(memory, memoryBytes, 'the container could not start').describe(
          'Memory limit, e.g. "512Mi"; the container is OOM-killed above it.',
        ),
      })
      .describe('The most the container may use.'),
  })
  .superRefine((r, ctx) => {
    if (r.limits.cpu !== undefined && cpuMillis(r.requests.cpu)! > cpuMillis(r.limits.cpu)!) {
      ctx.addIssue({
        code: 'custom',
        path: ['requests', 'cpu'],
        message: `request ${r.requests.cpu} exceeds limit ${r.limits.cpu}; lower the request or raise the limit`,
      });
    }
    if (memoryBytes(r.requests.memory)! > memoryBytes(r.limits.memory)!) {
      ctx.addIssue({
        code: 'custom',
        path: ['requests', 'memory'],
        message: `request ${r.requests.memory} exceeds limit ${r.limits.memory}; lower the request or raise the limit`,
      });
    }
  });

/** An IPv4 CIDR, e.g. for NetworkPolicy ipBlocks. */
export const cidr = z
  .string()
  .regex(
    /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\/([0-9]|[12]\d|3[0-2])$/,
    'must be an IPv4 CIDR such as "10.0.0.0/16"',
  );

/** A Go duration of h/m/s components in that order, e.g. `300s`, `1h30m`, `2160h`. */
export const goDuration = z
  .string()
  .refine(
    (v) => goDurationSeconds(v) !== undefined,
    'must be a Go duration of hours, minutes and seconds in that order, such as "300s", "1h30m" or "2160h" (at most 2562047h)',
  );

export const storageSchema = z.strictObject({
  size: positive(memory, memoryBytes, 'a volume needs a size such as "10Gi"').describe(
    'Size the PersistentVolumeClaim requests, e.g. "10Gi".',
  ),
  storageClassName: dnsSubdomain.optional().describe("StorageClass of the claim; the cluster's default StorageClass when absent."),
});

/** At most this many entries in a map of labels, annotations, variables or files. */
export const MAX_MAP_ENTRIES = 256;

export const autoscalingSchema = z
  .strictObject({
    minReplicas: positiveInt.describe('Fewest pods the HorizontalPodAutoscaler keeps; at most maxReplicas.'),
    maxReplicas: positiveInt.describe('Most pods the HorizontalPodAutoscaler scales to.'),
    targetCPUUtilizationPercentage: z
      .number()
      .int()
      .min(1)
      .max(100)
      .describe('Average CPU use the HPA aims for, in percent of the CPU request (1–100).'),
    targetMemoryUtilizationPercentage: z
      .number()
      .int()
      .min(1)
      .max(100)
      .optional()
      .describe('Also scale on memory: average use to aim for, in percent of the memory request (1–100); CPU only when absent.'),
    behavior: z
      .enum(['default', 'conservative'])
      .describe("`default`: Kubernetes' own behaviour; `conservative`: one pod per 5 min up, per 10 min down after 30 min of low load."),
  })
  .superRefine((a, ctx) => {
    if (a.minReplicas > a.maxReplicas) {
      ctx.addIssue({
        code: 'custom',
        path: ['minReplicas'],
        message: `minReplicas (${a.minReplicas}) must be ≤ maxReplicas (${a.maxReplicas}); lower minReplicas or raise maxReplicas`,
      });
    }
  });

export const scaledWorkload = {
  replicas: positiveInt.describe('Pods of the Deployment; ignored while an autoscaler (an HPA, or KEDA for a pool) owns the count.'),
  autoscaling: autoscalingSchema
    .nullable()
    .optional()
    .transform((a) => a ?? undefined)
    .describe('HorizontalPodAutoscaler on CPU (and memory); none when absent, and `null` in an overlay removes the inherited one.'),
  resources: resourcesSchema.describe('CPU and memory requests and limits of the main container.'),
};
