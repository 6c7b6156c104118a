import * as fs from 'fs';
import * as path from 'path';
import {
  DYNAMIC_CONFIG_CONSTRAINTS,
  DYNAMIC_CONFIG_KEYS,
  MISLEADING_DYNAMIC_CONFIG_KEYS,
  dynamicConfigSchema,
} from '../config/dynamic-config';

interface FlatIssue {
  path: PropertyKey[];
  message: string;
  code: string;
}

/** Every issue of a failed parse, with union branches flattened and paths made absolute. */
function issuesOf(input: unknown): FlatIssue[] {
  const result = dynamicConfigSchema.safeParse(input);
  if (result.success) throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
  const out: FlatIssue[] = [];
  const walk = (issues: readonly any[], prefix: PropertyKey[]) => {
    for (const i of issues) {
      const p = [...prefix, ...i.path];
      if (i.code === 'invalid_union') for (const branch of i.errors) walk(branch, p);
      else out.push({ path: p, message: i.message, code: i.code });
    }
  };
  walk(result.error.issues, []);
  return out;
}

/** The messages of a parse expected to fail. */
const messages = (input: unknown): string[] => issuesOf(input).map((i) => i.message);

function accepts(input: Record<string, unknown>) {
  const result = dynamicConfigSchema.safeParse(input);
  if (!result.success) throw new Error(`rejected: ${JSON.stringify(result.error.issues)}`);
  expect(result.data).toEqual(input);
}

describe('dynamicConfigSchema: accepted values', () => {
  test('an empty object is valid', () => {
    accepts({});
  });

  test('known keys with the right scalar types', () => {
    accepts({
      'frontend.rps': 2400, // int
      'frontend.namespaceBurstRatio': 1.5, // float
      'worker.schedulerNamespaceStartWorkflowRPS': 10, // float given a whole number
      'frontend.enableUpdateWorkflowExecution': true, // bool
      'worker.enableScheduler': false,
      'frontend.keepAliveMaxConnectionAge': '5m', // duration
      'matching.longPollExpirationInterval': '1m30s',
      'frontend.shutdownDrainDuration': '0s',
      'system.namespaceCacheRefreshInterval': '1.5s',
      'history.longPollExpirationInterval': '500ms',
      'system.secondaryVisibilityWritingMode': 'dual', // string
      'system.historyArchivalState': 'enabled',
    });
  });

  test('the [{value, constraints}] form, with and without constraints', () => {
    accepts({
      'frontend.namespaceRPS': [{ value: 100, constraints: { namespace: 'payments' } }, { value: 50 }],
      'matching.numTaskqueueReadPartitions': [
        { value: 8, constraints: { namespace: 'orders', taskQueueName: 'orders-tq', taskType: 'Workflow' } },
        { value: 4, constraints: { taskType: 'Activity' } },
      ],
      'history.rps': [{ value: 3000, constraints: { shardID: 7 } }],
      'matching.shutdownDrainDuration': [{ value: '30s' }],
      'system.enableActivityEagerExecution': [{ value: true, constraints: { namespaceID: '9f1c-uuid' } }],
    });
  });

  test('every allowed constraint name is accepted', () => {
    const values: Record<(typeof DYNAMIC_CONFIG_CONSTRAINTS)[number], unknown> = {
      namespace: 'ns',
      namespaceID: 'id',
      taskQueueName: 'tq',
      taskType: 'Workflow',
      historyTaskType: 'Transfer',
      shardID: 1,
      destination: 'https://cb.example',
      chasmTaskType: 'x',
    };
    for (const name of DYNAMIC_CONFIG_CONSTRAINTS) {
      accepts({ 'frontend.namespaceRPS': [{ value: 1, constraints: { [name]: values[name] } }] });
    }
    expect(DYNAMIC_CONFIG_CONSTRAINTS).toEqual([
      'namespace',
      'namespaceID',
      'taskQueueName',
      'taskType',
      'historyTaskType',
      'shardID',
      'destination',
      'chasmTaskType',
    ]);
  });

  test('keys are case-insensitive: FRONTEND.RPS is frontend.rps', () => {
    accepts({ 'FRONTEND.RPS': 100 });
    accepts({ 'Frontend.NamespaceRPS': [{ value: 5, constraints: { namespace: 'a' } }] });
    // ... and is type-checked as that key.
    expect(messages({ 'FRONTEND.RPS': 'fast' })).toEqual(['must be a whole number (frontend.rps is a int key)']);
  });
});

describe('dynamicConfigSchema: unknown and misleading keys', () => {
  test('an unknown key is rejected with a message naming the key and config/dynamic-config.ts', () => {
    const issues = issuesOf({ 'frontend.rps': 1, 'frontend.rsp': 100 });
    expect(issues).toHaveLength(1);
    expect(issues[0].path).toEqual(['frontend.rsp']);
    expect(issues[0].message).toContain('unknown dynamic-config key "frontend.rsp"');
    expect(issues[0].message).toContain('config/dynamic-config.ts');
  });

  test.each([
    ['history.enableArchival', 'never existed', 'system.historyArchivalState'],
    ['visibility.enableArchival', 'never existed', 'system.visibilityArchivalState'],
    ['system.enableNexus', 'was removed in server 1.31 (Nexus is always on); delete it', undefined],
  ])('%s is rejected with its specific hint', (key, hint, replacement) => {
    const issues = issuesOf({ [key]: true });
    expect(issues).toHaveLength(1);
    expect(issues[0].path).toEqual([key]);
    expect(issues[0].message).toBe(`"${key}" ${MISLEADING_DYNAMIC_CONFIG_KEYS[key]}`);
    expect(issues[0].message).toContain(hint);
    if (replacement) expect(issues[0].message).toContain(replacement);
    // Not the generic unknown-key message.
    expect(issues[0].message).not.toContain('unknown dynamic-config key');
  });

  test("the hint is found whatever the key's case", () => {
    expect(messages({ 'System.EnableNexus': true })).toEqual([
      `"System.EnableNexus" ${MISLEADING_DYNAMIC_CONFIG_KEYS['system.enableNexus']}`,
    ]);
  });

  test('no misleading key is also an allowed key', () => {
    const allowed = new Set(Object.keys(DYNAMIC_CONFIG_KEYS).map((k) => k.toLowerCase()));
    expect(Object.keys(MISLEADING_DYNAMIC_CONFIG_KEYS).filter((k) => allowed.has(k.toLowerCase()))).toEqual([]);
  });

  test('two spellings of the same key are rejected', () => {
    const issues = issuesOf({ 'FRONTEND.RPS': 5, 'frontend.rps': 6 });
    expect(issues).toEqual([
      { path: ['frontend.rps'], code: 'custom', message: 'same key as "FRONTEND.RPS" (keys are case-insensitive); keep one' },
    ]);
  });
});

describe('dynamicConfigSchema: value types', () => {
  test.each([
    ['frontend.rps', '100', 'must be a whole number (frontend.rps is a int key)'],
    ['frontend.rps', 1.5, 'must be a whole number (frontend.rps is a int key)'],
    ['frontend.rps', true, 'must be a whole number (frontend.rps is a int key)'],
    ['frontend.namespaceBurstRatio', '2', 'must be a number (frontend.namespaceBurstRatio is a float key)'],
    ['worker.enableScheduler', 'true', 'must be true or false (worker.enableScheduler is a bool key)'],
    ['worker.enableScheduler', 1, 'must be true or false (worker.enableScheduler is a bool key)'],
    ['system.secondaryVisibilityWritingMode', 1, 'must be a string (system.secondaryVisibilityWritingMode is a string key)'],
  ])('%s given %p is rejected', (key, value, message) => {
    expect(issuesOf({ [key]: value })).toEqual([{ path: [key], code: 'custom', message }]);
  });

  test.each(['5 minutes', 'PT5M', '5M', '10 s', '', 's'])('duration given %p (not a Go duration) is rejected', (value) => {
    expect(messages({ 'frontend.keepAliveMaxConnectionAge': value })).toEqual([
      'must be a Go duration string such as "10s" or "1h" (frontend.keepAliveMaxConnectionAge is a duration key)',
    ]);
  });

  test('a duration given a number is rejected', () => {
    expect(messages({ 'frontend.shutdownDrainDuration': 30 })).toEqual([
      'must be a Go duration string such as "10s" or "1h" (frontend.shutdownDrainDuration is a duration key)',
    ]);
  });

  test('each value of the constrained form is type-checked at its own path', () => {
    const issues = issuesOf({ 'frontend.namespaceRPS': [{ value: 10 }, { value: 'ten', constraints: { namespace: 'a' } }] });
    expect(issues).toEqual([
      {
        path: ['frontend.namespaceRPS', 1, 'value'],
        code: 'custom',
        message: 'must be a whole number (frontend.namespaceRPS is a int key)',
      },
    ]);
  });

  test('an empty list, an object value and a null are rejected', () => {
    expect(dynamicConfigSchema.safeParse({ 'frontend.rps': [] }).success).toBe(false);
    expect(dynamicConfigSchema.safeParse({ 'frontend.rps': { value: 1 } }).success).toBe(false);
    expect(dynamicConfigSchema.safeParse({ 'frontend.rps': null }).success).toBe(false);
  });
});

describe('dynamicConfigSchema: constraints', () => {
  test('an unknown constraint name is rejected (the server would reject the whole file)', () => {
    const issues = issuesOf({ 'frontend.namespaceRPS': [{ value: 10, constraints: { namespaces: 'x' } }] });
    const unknown = issues.filter((i) => i.code === 'unrecognized_keys');
    expect(unknown).toHaveLength(1);
    expect(unknown[0].path).toEqual(['frontend.namespaceRPS', 0, 'constraints']);
    expect(unknown[0].message).toContain('"namespaces"');
  });

  test('an extra key beside value and constraints is rejected', () => {
    const issues = issuesOf({ 'frontend.namespaceRPS': [{ value: 10, constraint: { namespace: 'x' } }] });
    expect(issues.filter((i) => i.code === 'unrecognized_keys').map((i) => i.path)).toEqual([['frontend.namespaceRPS', 0]]);
  });

  test.each(['Nexus', 'workflow', 'ACTIVITY', ''])('taskType %p is rejected; only Workflow and Activity are valid', (taskType) => {
    const issues = issuesOf({ 'matching.numTaskqueueReadPartitions': [{ value: 8, constraints: { taskType } }] });
    const bad = issues.filter((i) => i.code === 'invalid_value');
    expect(bad).toHaveLength(1);
    expect(bad[0].path).toEqual(['matching.numTaskqueueReadPartitions', 0, 'constraints', 'taskType']);
    expect(bad[0].message).toContain('"Workflow"|"Activity"');
  });

  test('shardID must be an integer', () => {
    expect(dynamicConfigSchema.safeParse({ 'history.rps': [{ value: 1, constraints: { shardID: '3' } }] }).success).toBe(false);
    expect(dynamicConfigSchema.safeParse({ 'history.rps': [{ value: 1, constraints: { shardID: 1.5 } }] }).success).toBe(false);
  });
});

describe('DYNAMIC_CONFIG_KEYS', () => {
  const reference = path.resolve(__dirname, '../../shared/reference/temporal-server.md');

  test('every key is documented in ../shared/reference/temporal-server.md (server 1.31)', () => {
    const doc = fs.readFileSync(reference, 'utf8');
    const keys = Object.keys(DYNAMIC_CONFIG_KEYS);
    expect(keys.length).toBeGreaterThan(100);
    // Written as `key` in the reference, so a prefix of a longer key does not count.
    expect(keys.filter((k) => !doc.includes(`\`${k}\``))).toEqual([]);
  });

  test('keys are unique ignoring case and every type is a known value type', () => {
    const keys = Object.keys(DYNAMIC_CONFIG_KEYS);
    expect(new Set(keys.map((k) => k.toLowerCase())).size).toBe(keys.length);
    for (const type of Object.values(DYNAMIC_CONFIG_KEYS)) expect(['int', 'float', 'bool', 'duration', 'string']).toContain(type);
  });
});
