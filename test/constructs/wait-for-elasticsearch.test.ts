import { WaitForElasticsearchProps, waitForElasticsearch } from '../../constructs/wait-for';
import { envOf, resources } from './fixtures';

const esImage = { repository: 'docker.elastic.co/elasticsearch/elasticsearch', tag: '8.15.3', pullPolicy: 'IfNotPresent' as const };
const url = 'http://temporal-elasticsearch:9200';
const base: WaitForElasticsearchProps = { image: esImage, url, resources };
const credentials = { username: 'elastic', password: { name: 'es-credentials', key: 'password' } };

const script = (c: any): string => c.command[2];

describe('waitForElasticsearch', () => {
  test('minimal props: waits for yellow cluster health, no auth, no env', () => {
    const c = waitForElasticsearch(base);
    expect(c.name).toBe('wait-for-elasticsearch');
    expect(c.image).toBe('docker.elastic.co/elasticsearch/elasticsearch:8.15.3');
    expect(c.imagePullPolicy).toBe('IfNotPresent');
    const target = 'http://temporal-elasticsearch:9200/_cluster/health?wait_for_status=yellow&timeout=5s';
    expect(c.command).toEqual([
      '/bin/sh',
      '-ec',
      `until curl -fsS -o /dev/null '${target}'; do echo "waiting for ${target}"; sleep 5; done`,
    ]);
    expect(c.env).toBeUndefined();
  });

  test('all props: index target, credentials from the Secret', () => {
    const all: Required<WaitForElasticsearchProps> = {
      image: { repository: 'mirror/curl', tag: '8', pullPolicy: 'Always' },
      url: 'https://es.example:9243',
      index: 'temporal_visibility_v1',
      credentials: { username: 'temporal', password: { name: 'es-secret', key: 'pw' } },
      resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '32Mi' } },
    };
    const c = waitForElasticsearch(all);
    expect(c.name).toBe('wait-for-visibility-index');
    expect(c.image).toBe('mirror/curl:8');
    expect(c.imagePullPolicy).toBe('Always');
    expect(script(c)).toBe(
      'until curl -fsS -o /dev/null -u "temporal:$ES_PWD" https://es.example:9243/temporal_visibility_v1; do echo "waiting for https://es.example:9243/temporal_visibility_v1"; sleep 5; done',
    );
    expect(envOf(c)).toEqual({ ES_PWD: { secretKeyRef: { name: 'es-secret', key: 'pw' } } });
    expect(c.resources?.requests?.cpu.value).toBe('10m');
    expect(c.resources?.limits?.cpu.value).toBe('100m');
    expect(c.resources?.limits?.memory.value).toBe('32Mi');
  });

  test('with an index it waits for the index, not for cluster health', () => {
    const c = waitForElasticsearch({ ...base, index: 'temporal_visibility_v1' });
    expect(c.name).toBe('wait-for-visibility-index');
    expect(script(c)).toContain(' http://temporal-elasticsearch:9200/temporal_visibility_v1;');
    expect(script(c)).not.toContain('_cluster/health');
  });

  test('without an index it waits for at least yellow cluster health', () => {
    const c = waitForElasticsearch(base);
    expect(script(c)).toContain('/_cluster/health?wait_for_status=yellow');
    // -f makes curl fail on the 408 Elasticsearch returns when the wait times out.
    expect(script(c)).toMatch(/^until curl -fsS /);
    // The query string has & and ?, so the URL must be quoted for the shell.
    expect(script(c)).toContain(`'http://temporal-elasticsearch:9200/_cluster/health?wait_for_status=yellow&timeout=5s'`);
  });

  test('credentials: ES_PWD from the Secret, passed as -u user:$ES_PWD, never inline', () => {
    const c = waitForElasticsearch({ ...base, credentials });
    expect(c.env).toEqual([{ name: 'ES_PWD', valueFrom: { secretKeyRef: { name: 'es-credentials', key: 'password' } } }]);
    expect(script(c)).toContain('curl -fsS -o /dev/null -u "elastic:$ES_PWD" ');
    expect(script(c)).not.toContain('es-credentials');
  });

  test('without credentials: no -u and no ES_PWD', () => {
    const c = waitForElasticsearch({ ...base, index: 'idx' });
    expect(script(c)).not.toContain('-u ');
    expect(c.env).toBeUndefined();
  });

  test('has the given resources and a restricted security context', () => {
    const c = waitForElasticsearch(base);
    expect(c.resources?.requests?.cpu.value).toBe('100m');
    expect(c.resources?.limits?.memory.value).toBe('256Mi');
    expect(c.resources?.limits).not.toHaveProperty('cpu');
    expect(c.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(c.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
  });
});
