import { waitForPostgres } from '../../constructs/wait-for';
import { postgresImage, resources } from './fixtures';

describe('waitForPostgres', () => {
  const c = waitForPostgres({
    image: postgresImage,
    host: 'temporal-postgres.ns.svc.cluster.local',
    port: 5433,
    user: 'temporal',
    resources,
  });

  test('is an init container named wait-for-database using the given image', () => {
    expect(c.name).toBe('wait-for-database');
    expect(c.image).toBe('postgres:16.4');
    expect(c.imagePullPolicy).toBe('IfNotPresent');
  });

  test('loops on pg_isready against the given host and port', () => {
    expect(c.command).toEqual([
      '/bin/sh',
      '-ec',
      'until pg_isready -h temporal-postgres.ns.svc.cluster.local -p 5433 -U temporal -t 3; do echo "waiting for temporal-postgres.ns.svc.cluster.local:5433"; sleep 3; done',
    ]);
  });

  test('has the given resources and a restricted security context', () => {
    expect(c.resources?.requests?.cpu.value).toBe('100m');
    expect(c.resources?.limits?.memory.value).toBe('256Mi');
    expect(c.resources?.limits).not.toHaveProperty('cpu');
    expect(c.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
  });
});
