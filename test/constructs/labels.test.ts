import { ComponentIdentity, recommendedLabels, selectorLabels } from '../../constructs/labels';

const id: ComponentIdentity = { name: 'temporal', instance: 'temporal-dev', component: 'frontend', version: '1.31.2' };

describe('recommendedLabels', () => {
  test('minimal identity: part-of defaults to temporal, managed-by is cdk8s', () => {
    expect(recommendedLabels(id)).toEqual({
      'app.kubernetes.io/name': 'temporal',
      'app.kubernetes.io/instance': 'temporal-dev',
      'app.kubernetes.io/component': 'frontend',
      'app.kubernetes.io/part-of': 'temporal',
      'app.kubernetes.io/version': '1.31.2',
      'app.kubernetes.io/managed-by': 'cdk8s',
    });
  });

  test('all props: part-of is overridable', () => {
    const all: Required<ComponentIdentity> = { ...id, partOf: 'payments' };
    expect(recommendedLabels(all)).toHaveProperty(['app.kubernetes.io/part-of'], 'payments');
  });
});

describe('selectorLabels', () => {
  test('is exactly name, instance and component', () => {
    expect(selectorLabels(id)).toEqual({
      'app.kubernetes.io/name': 'temporal',
      'app.kubernetes.io/instance': 'temporal-dev',
      'app.kubernetes.io/component': 'frontend',
    });
  });

  test('does not change with the version or part-of, and is a subset of the recommended labels', () => {
    const other: ComponentIdentity = { ...id, version: '1.32.0', partOf: 'x' };
    expect(selectorLabels(other)).toEqual(selectorLabels(id));
    expect(recommendedLabels(other)).toMatchObject(selectorLabels(other));
  });
});
