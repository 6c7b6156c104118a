import { SyncedSecret, SyncedSecretProps } from '../../constructs/synced-secret';
import { synthChart, testChart } from '../helpers';
import { ofKind, only } from './fixtures';

const labels = { 'app.kubernetes.io/name': 'temporal', 'app.kubernetes.io/component': 'secrets' };
const minimal: SyncedSecretProps = {
  name: 'temporal-postgres-credentials',
  labels,
  keys: ['username', 'password'],
  remoteKey: 'temporal/production/temporal-postgres-credentials',
  store: { name: 'aws-secrets-manager', kind: 'ClusterSecretStore' },
};

function synth(props: SyncedSecretProps) {
  const chart = testChart();
  const construct = new SyncedSecret(chart, 'Secret', props);
  const objects = synthChart(chart);
  return { construct, objects, es: only(objects, 'ExternalSecret') };
}

describe('SyncedSecret', () => {
  test('minimal props: an external-secrets.io/v1 ExternalSecret, refreshed hourly, owning a Secret of the same name', () => {
    const { construct, objects, es } = synth(minimal);
    expect(objects).toHaveLength(1);
    expect(es.apiVersion).toBe('external-secrets.io/v1');
    expect(es.metadata).toMatchObject({ name: 'temporal-postgres-credentials', namespace: 'temporal-test', labels });
    expect(es.spec).toEqual({
      refreshInterval: '1h0m0s',
      secretStoreRef: { name: 'aws-secrets-manager', kind: 'ClusterSecretStore' },
      target: { name: 'temporal-postgres-credentials', creationPolicy: 'Owner', deletionPolicy: 'Retain' },
      data: [
        { secretKey: 'username', remoteRef: { key: 'temporal/production/temporal-postgres-credentials', property: 'username' } },
        { secretKey: 'password', remoteRef: { key: 'temporal/production/temporal-postgres-credentials', property: 'password' } },
      ],
    });
    expect(construct.secretName).toBe('temporal-postgres-credentials');
  });

  test('all props: every prop shows up', () => {
    const all: Required<SyncedSecretProps> = {
      name: 'temporal-ui-oidc',
      labels: { team: 'platform' },
      keys: ['client-secret'],
      remoteKey: 'kv/temporal/ui',
      store: { name: 'vault', kind: 'SecretStore' },
      refreshInterval: '15m0s',
    };
    const { construct, es } = synth(all);
    expect(es.metadata).toMatchObject({ name: 'temporal-ui-oidc', labels: { team: 'platform' } });
    expect(es.spec).toEqual({
      refreshInterval: '15m0s',
      secretStoreRef: { name: 'vault', kind: 'SecretStore' },
      target: { name: 'temporal-ui-oidc', creationPolicy: 'Owner', deletionPolicy: 'Retain' },
      data: [{ secretKey: 'client-secret', remoteRef: { key: 'kv/temporal/ui', property: 'client-secret' } }],
    });
    expect(construct.secretName).toBe('temporal-ui-oidc');
  });

  test.each(['SecretStore', 'ClusterSecretStore'] as const)('store kind %s is the secretStoreRef kind', (kind) => {
    expect(synth({ ...minimal, store: { name: 's', kind } }).es.spec.secretStoreRef).toEqual({ name: 's', kind });
  });

  test('one data entry per key, in order, each read from the property of the same name', () => {
    const keys = ['password', 'username', 'ca.crt', 'tls.key'];
    const { es } = synth({ ...minimal, keys });
    expect(es.spec.data.map((d: any) => d.secretKey)).toEqual(keys);
    for (const d of es.spec.data) {
      expect(d.remoteRef).toEqual({ key: 'temporal/production/temporal-postgres-credentials', property: d.secretKey });
    }
  });

  test('the target Secret is named after the ExternalSecret, owned by it, and kept through a store outage', () => {
    const { es } = synth({ ...minimal, name: 'es-credentials' });
    expect(es.spec.target).toEqual({ name: 'es-credentials', creationPolicy: 'Owner', deletionPolicy: 'Retain' });
    expect(es.spec.target.name).toBe(es.metadata.name);
  });

  test('no secret value is rendered: no Secret object, no stringData or template; data entries are references only', () => {
    const { objects, es } = synth(minimal);
    expect(ofKind(objects, 'Secret')).toHaveLength(0);
    expect(es.spec.target).not.toHaveProperty('template');
    expect(es.spec).not.toHaveProperty('dataFrom');
    const text = JSON.stringify(objects);
    expect(text).not.toContain('stringData');
    // The only strings in data entries are key and property names.
    for (const d of es.spec.data) expect(Object.keys(d).sort()).toEqual(['remoteRef', 'secretKey']);
    for (const d of es.spec.data) expect(Object.keys(d.remoteRef).sort()).toEqual(['key', 'property']);
  });
});
