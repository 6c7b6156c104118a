import {
  ImageProps,
  ProbeTiming,
  RunAsProps,
  imageRef,
  probe,
  resourceRequirements,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
  scratchVolume,
  topologySpread,
} from '../../constructs/pod-defaults';
import { selectorOf } from './fixtures';

describe('restrictedPodSecurityContext', () => {
  test('minimal props: fsGroup defaults to the group; non-root, RuntimeDefault seccomp', () => {
    expect(restrictedPodSecurityContext({ user: 1000, group: 2000 })).toEqual({
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 2000,
      fsGroup: 2000,
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  test('all props: an explicit fsGroup wins', () => {
    const runAs: Required<RunAsProps> = { user: 999, group: 998, fsGroup: 3000 };
    expect(restrictedPodSecurityContext(runAs)).toMatchObject({ runAsUser: 999, runAsGroup: 998, fsGroup: 3000 });
  });
});

describe('restrictedContainerSecurityContext', () => {
  test('default: read-only root filesystem, no privilege escalation, all capabilities dropped', () => {
    expect(restrictedContainerSecurityContext()).toEqual({
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  test('a writable root filesystem can be requested; the rest stays restricted', () => {
    expect(restrictedContainerSecurityContext(false)).toMatchObject({
      readOnlyRootFilesystem: false,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
  });
});

describe('imageRef', () => {
  test('is repository:tag', () => {
    const image: ImageProps = { repository: 'temporalio/admin-tools', tag: '1.31.2-tctl-1.18', pullPolicy: 'Always' };
    expect(imageRef(image)).toBe('temporalio/admin-tools:1.31.2-tctl-1.18');
  });
});

describe('resourceRequirements', () => {
  test('without a CPU limit only memory is limited', () => {
    const r = resourceRequirements({ requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '1Gi' } });
    expect(r.requests?.cpu.value).toBe('250m');
    expect(r.requests?.memory.value).toBe('512Mi');
    expect(Object.keys(r.limits ?? {})).toEqual(['memory']);
    expect(r.limits?.memory.value).toBe('1Gi');
  });

  test('with a CPU limit both are limited', () => {
    const r = resourceRequirements({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } });
    expect(r.limits?.cpu.value).toBe('2');
    expect(r.limits?.memory.value).toBe('2Gi');
  });
});

describe('probe', () => {
  test('http check with default timing', () => {
    const p = probe({ type: 'http', path: '/healthz', port: 8080 });
    expect(p.httpGet?.path).toBe('/healthz');
    expect(p.httpGet?.port.value).toBe(8080);
    expect(p.httpGet?.scheme).toBe('HTTP');
    expect(p).toMatchObject({ periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3, successThreshold: 1 });
    expect(p.initialDelaySeconds).toBeUndefined();
    expect(p.tcpSocket).toBeUndefined();
  });

  test('tcp check on a named port', () => {
    const p = probe({ type: 'tcp', port: 'grpc' });
    expect(p.tcpSocket?.port.value).toBe('grpc');
    expect(p.httpGet).toBeUndefined();
  });

  test('exec check copies the command', () => {
    const command = ['pg_isready', '-h', '127.0.0.1'];
    const p = probe({ type: 'exec', command });
    expect(p.exec?.command).toEqual(command);
    expect(p.exec?.command).not.toBe(command);
  });

  test('grpc check with a health service name', () => {
    expect(probe({ type: 'grpc', port: 7233, service: 'svc' }).grpc).toEqual({ port: 7233, service: 'svc' });
  });

  test('all timing props are applied', () => {
    const timing: Required<ProbeTiming> = { initialDelaySeconds: 7, periodSeconds: 15, timeoutSeconds: 2, failureThreshold: 6 };
    expect(probe({ type: 'tcp', port: 1 }, timing)).toMatchObject({ ...timing, successThreshold: 1 });
  });
});

describe('topologySpread', () => {
  test('spreads over zones then nodes with ScheduleAnyway, per rollout revision', () => {
    const selector = selectorOf('history');
    expect(topologySpread(selector)).toEqual(
      ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'].map((topologyKey) => ({
        maxSkew: 1,
        topologyKey,
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: { matchLabels: selector },
        matchLabelKeys: ['pod-template-hash'],
      })),
    );
  });

  test('explicit matchLabelKeys are used as given', () => {
    const spread = topologySpread(selectorOf('history'), ['pod-template-hash', 'app.kubernetes.io/version']);
    expect(spread.map((t) => t.matchLabelKeys)).toEqual([
      ['pod-template-hash', 'app.kubernetes.io/version'],
      ['pod-template-hash', 'app.kubernetes.io/version'],
    ]);
  });

  test('an empty matchLabelKeys (StatefulSets: no pod-template-hash) leaves the field out', () => {
    const selector = selectorOf('visibility');
    const spread = topologySpread(selector, []);
    expect(spread.map((t) => t.topologyKey)).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
    for (const t of spread) {
      expect(t.matchLabelKeys).toBeUndefined();
      // As serialized: no key at all, not an empty list.
      expect(JSON.parse(JSON.stringify(t))).toEqual({
        maxSkew: 1,
        topologyKey: t.topologyKey,
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: { matchLabels: selector },
      });
    }
  });
});

describe('scratchVolume', () => {
  test('is an emptyDir limited to 64Mi by default', () => {
    const v = scratchVolume('tmp');
    expect(v.name).toBe('tmp');
    expect(v.emptyDir?.sizeLimit?.value).toBe('64Mi');
  });

  test('takes an explicit size limit', () => {
    expect(scratchVolume('run', '16Mi').emptyDir?.sizeLimit?.value).toBe('16Mi');
  });
});
