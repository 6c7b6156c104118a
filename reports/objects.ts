/** The shape the report generators read of any rendered object, and where a workload keeps its pod. */

export type Labels = Record<string, string>;

/** The fields the reports read, of any rendered object. */
export interface K8s {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- every kind's spec; each reader narrows what it uses
  spec?: any;
}

/** The pod template of a workload (a CronJob's inside its Job template); undefined for other kinds. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a rendered pod template; readers narrow what they use
export function podTemplate(o: K8s): { metadata?: { labels?: Labels }; spec?: any } | undefined {
  return o.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template : o.spec?.template;
}
