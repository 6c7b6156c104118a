/**
 * The Web UI works end to end: its server lists workflows through the frontend (its own HTTP API,
 * the grpc-gateway of WorkflowService under /api/v1), and a real browser can list a running
 * workflow and terminate it through the UI. The terminate is a POST guarded by the ui-server's CSRF
 * middleware (echo: cookie `_csrf`, echoed by the UI in the X-CSRF-TOKEN header). The cookie is
 * `Secure` unless TEMPORAL_CSRF_COOKIE_INSECURE=true, and a browser drops a Secure cookie set over
 * plain HTTP from a non-loopback origin: the page then loads and lists fine, but every write fails
 * with "missing csrf token". Only a browser shows that, so this check drives headless Chromium,
 * at the pod's address: Chromium treats 127.0.0.1/localhost as secure and keeps Secure cookies
 * there, so the defect would not show on a loopback URL.
 *
 * Selectors are those of temporalio/ui v2.52.0 (the UI the ui-server 2.52.0 embeds):
 *  - workflows list rows:   [data-testid="workflows-summary-configurable-table-row"]
 *      (workflows-summary-configurable-table/table-row.svelte), the Workflow ID cell a link to the run
 *  - actions menu button:   button[aria-controls="workflow-actions"] ("More Actions";
 *      workflow-actions.svelte, MenuButton controls="workflow-actions")
 *  - terminate menu item:   [data-testid="terminate-button"] (workflow-actions.svelte)
 *  - confirmation modal:    [data-testid="terminate-confirmation-modal"]
 *      (workflow/client-actions/terminate-confirmation-modal.svelte), reason input #workflow-termination-reason,
 *      confirm [data-testid="confirm-modal-button"], error paragraph [role="alert"] (holocene/modal.svelte)
 *  - terminate request:     POST /api/v1/namespaces/<ns>/workflows/<id>/terminate (route-for-api.ts)
 *  - login page (auth on):  [data-testid="login-button"] "Continue to SSO" on /login ((login)/login/+page.svelte);
 *      the (app) layout sends a visitor without a token there (routeForLoginPage, returnUrl = the page)
 *
 * With OIDC login on (TEMPORAL_AUTH_ENABLED), ui-server 2.52.0 (server/route/auth.go, server/auth): the
 * button opens /auth/sso?returnUrl=…, which sets the `state` and `nonce` cookies and redirects to the
 * provider's authorization endpoint (code flow; the nonce is base64url JSON {nonce, return_url}); the
 * provider sends the browser to the callback with code and state; the server checks state against its
 * cookie, exchanges the code (oauth2, client secret as basic auth), verifies the id_token with go-oidc
 * (RS256 via the provider's JWKS, iss = TEMPORAL_AUTH_ISSUER_URL, aud ∋ client id, exp, nbf) and its
 * nonce against the cookie, hands the tokens to the page in short-lived `user0…` cookies (base64 JSON
 * {AccessToken, IDToken, …}) and 303s to returnUrl. The app moves them to localStorage and sends
 * `Authorization: Bearer <access token>` and `Authorization-Extras: <id token>` on every API call; the
 * server verifies the ID token again and, with useIdTokenAsBearer, forwards it as the Bearer token to
 * the frontend, whose claim mapper reads the permissions claim. A request with an Authorization header
 * skips the CSRF check.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { BrowserContext, Page, Response } from 'playwright-core';
import type { Cluster } from '../harness/cluster';
import type { Pod } from '../harness/pod';

export const CHROMIUM_PATH = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const SEL = {
  loginButton: '[data-testid="login-button"]',
  row: '[data-testid="workflows-summary-configurable-table-row"]',
  actionsMenu: 'button[aria-controls="workflow-actions"]',
  terminateItem: '[data-testid="terminate-button"]',
  terminateModal: '[data-testid="terminate-confirmation-modal"]',
  reason: '#workflow-termination-reason',
  confirm: '[data-testid="confirm-modal-button"]',
  modalError: '[role="alert"]',
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Where the UI pod serves (container port `http`, public path) and the namespace it opens by default. */
export function webUiEndpoint(web: Pod): { baseUrl: string; namespace: string } {
  const c = web.template.spec.containers[0];
  const port = c.ports?.find((p) => p.name === 'http')?.containerPort;
  if (!port) throw new Error(`pod ${web.name}: container ${c.name} has no port named http`);
  const env = web.environment(c);
  const publicPath = (env.TEMPORAL_UI_PUBLIC_PATH ?? '').replace(/\/+$/, '');
  // ui-server's config/docker.yaml defaults defaultNamespace to "default".
  return { baseUrl: `http://${web.ip}:${port}${publicPath}`, namespace: env.TEMPORAL_DEFAULT_NAMESPACE || 'default' };
}

/** WORKFLOW_EXECUTION_STATUS_RUNNING, "Running", {name:'RUNNING'}, 1 → RUNNING. */
export function normaliseStatus(s: unknown): string {
  const byCode = ['UNSPECIFIED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELED', 'TERMINATED', 'CONTINUED_AS_NEW', 'TIMED_OUT', 'PAUSED'];
  if (typeof s === 'number') return byCode[s] ?? String(s);
  if (s && typeof s === 'object') return normaliseStatus((s as { name?: unknown; code?: unknown }).name ?? (s as { code?: unknown }).code);
  return String(s ?? '')
    .toUpperCase()
    .replace(/^WORKFLOW_EXECUTION_STATUS_/, '')
    .replace(/[\s-]+/g, '_');
}

function describedStatus(d: any): string {
  const o = typeof d === 'string' ? JSON.parse(d) : d;
  return normaliseStatus(o?.status ?? o?.statusName ?? o?.workflowExecutionInfo?.status);
}

/**
 * Lists the given workflow ids through the ui-server's own API (GET /api/v1/namespaces/<ns>/workflows
 * ?query=..., ListWorkflowExecutions via grpc-gateway) until each is there with the expected status
 * (visibility is eventually consistent). Returns the milliseconds it took.
 */
export async function listViaUiApi(
  baseUrl: string,
  namespace: string,
  expected: Record<string, string>,
  timeoutMs = 60_000,
  headers: Record<string, string> = {},
): Promise<number> {
  const t0 = Date.now();
  const query = Object.keys(expected)
    .map((id) => `WorkflowId="${id}"`)
    .join(' OR ');
  const url = `${baseUrl}/api/v1/namespaces/${encodeURIComponent(namespace)}/workflows?query=${encodeURIComponent(query)}`;
  let last: string;
  for (;;) {
    try {
      const r = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
      const text = await r.text();
      if (!r.ok) {
        last = `HTTP ${r.status}: ${text.slice(0, 300)}`;
      } else {
        const body = JSON.parse(text) as { executions?: { execution?: { workflowId?: string }; status?: unknown }[] };
        const seen = new Map((body.executions ?? []).map((e) => [e.execution?.workflowId ?? '', normaliseStatus(e.status)]));
        const missing = Object.entries(expected).filter(([id, st]) => seen.get(id) !== st);
        if (!missing.length) return Date.now() - t0;
        last = missing.map(([id, st]) => `${id}: ${seen.get(id) ?? 'not listed'} (want ${st})`).join('; ');
      }
    } catch (e) {
      last = (e as Error).message;
    }
    if (Date.now() - t0 > timeoutMs) throw new Error(`GET ${url}: not listed as expected after ${secs(timeoutMs)}: ${last}`);
    await sleep(2000);
  }
}

export interface BrowserResult {
  /** ms until the OIDC login had brought the browser back to the list page (when login is on). */
  loggedInMs?: number;
  /** Headers the terminate request carried that authenticate it (Authorization, Authorization-Extras). */
  authHeaders?: string[];
  /** ms until the list page showed the workflow. */
  listedMs: number;
  /** ms until the terminate POST came back 200. */
  terminatedMs: number;
}

/**
 * In headless Chromium (fresh profile): the workflows list page shows `workflowId`; its page's
 * actions menu → Terminate → confirm sends the terminate, which must answer 200. On failure a
 * screenshot goes to `screenshotPath` and the error names it.
 */
export async function terminateInBrowser(
  baseUrl: string,
  namespace: string,
  workflowId: string,
  screenshotPath: string,
  timeoutMs = 30_000,
  extraArgs: readonly string[] = [],
  login?: { issuerOrigin: string },
): Promise<BrowserResult> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} not found: the Web UI check needs Debian's Chromium (apt-get install chromium)`);
  }
  const { chromium } = await import('playwright-core');
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-chromium-'));
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  let step = 'launching Chromium';
  const t0 = Date.now();
  try {
    // launchPersistentContext is launch() with an explicit (here fresh, throwaway) user-data dir.
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_ARGS, ...extraArgs],
      timeout: timeoutMs,
    });
    context.setDefaultTimeout(timeoutMs);
    page = context.pages()[0] ?? (await context.newPage());
    const ns = encodeURIComponent(namespace);

    step = 'opening the workflows list page';
    const listUrl = `${baseUrl}/namespaces/${ns}/workflows?query=${encodeURIComponent(`WorkflowId="${workflowId}"`)}`;
    await page.goto(listUrl, { waitUntil: 'domcontentloaded' });
    let loggedInMs: number | undefined;
    if (login) {
      step = 'waiting to be sent to the login page (no token yet)';
      await page.waitForURL((u) => u.pathname.endsWith('/login'));
      step = 'choosing "Continue to SSO" on the login page';
      const issuerHops: string[] = [];
      const onRequest = (req: import('playwright-core').Request) => {
        if (req.isNavigationRequest() && req.url().startsWith(login.issuerOrigin)) issuerHops.push(new URL(req.url()).pathname);
      };
      page.on('request', onRequest);
      const callback = page.waitForResponse((r) => new URL(r.url()).pathname.endsWith('/auth/sso/callback'));
      callback.catch(() => undefined);
      await page.locator(SEL.loginButton).click();
      step = 'logging in at the identity provider and coming back to the workflows list';
      await page.waitForURL(
        (u) => u.origin === new URL(baseUrl).origin && u.pathname.endsWith('/workflows') && u.searchParams.has('query'),
      );
      const cb = await callback;
      if (cb.status() !== 303)
        throw new Error(`the callback answered ${cb.status()}: ${(await cb.text().catch(() => '')).trim().slice(0, 300)}`);
      page.off('request', onRequest);
      if (!issuerHops.some((p) => p.endsWith('/protocol/openid-connect/auth')))
        throw new Error(`the login did not pass the identity provider (${login.issuerOrigin})`);
      loggedInMs = Date.now() - t0;
    }
    step = `waiting for ${workflowId} in the workflows list`;
    const link = page.locator(SEL.row).getByRole('link', { name: workflowId, exact: true });
    await link.first().waitFor({ state: 'visible' });
    const listedMs = Date.now() - t0;

    step = "opening the workflow's page";
    await link.first().click();
    await page.waitForURL((u) => u.pathname.includes(`/workflows/${encodeURIComponent(workflowId)}/`));

    step = 'opening the workflow actions menu (More Actions)';
    const menu = page.locator(`${SEL.actionsMenu}:visible`).first();
    await menu.waitFor({ state: 'visible' });
    await menu.click(); // waits until it is enabled (the page has loaded the workflow and settings)

    step = 'choosing Terminate';
    const item = page.locator(`${SEL.terminateItem}:visible`).first();
    await item.waitFor({ state: 'visible' });
    if (await item.isDisabled())
      throw new Error(
        'the Terminate menu item is disabled (is TEMPORAL_WORKFLOW_TERMINATE_DISABLED or TEMPORAL_DISABLE_WRITE_ACTIONS set?)',
      );
    await item.click();

    step = 'confirming in the terminate dialog';
    const modal = page.locator(`${SEL.terminateModal}:visible`).first();
    await modal.waitFor({ state: 'visible' });
    await modal.locator(SEL.reason).fill('e2e: terminated through the Web UI');
    const response = page.waitForResponse(
      (r: Response) => r.request().method() === 'POST' && /\/api\/v1\/namespaces\/[^/]+\/workflows\/[^/]+\/terminate(\?|$)/.test(r.url()),
    );
    await modal.locator(SEL.confirm).click();

    step = 'waiting for the terminate request';
    const r = await response;
    const sent = r.request().headers();
    const authHeaders = ['authorization', 'authorization-extras'].filter((h) => sent[h]);
    step = 'checking the answer to the terminate request';
    if (login && !sent.authorization) throw new Error(`the terminate request carried no Authorization header (answered ${r.status()})`);
    if (r.status() !== 200) {
      const body = (await r.text().catch(() => '')).trim().slice(0, 300);
      const cookies = await context.cookies(baseUrl);
      const csrf = cookies.find((c) => c.name === '_csrf');
      const sentToken = r.request().headers()['x-csrf-token'];
      const alert = (
        await modal
          .locator(SEL.modalError)
          .filter({ hasText: /\S/ })
          .first()
          .textContent({ timeout: 3000 })
          .catch(() => null)
      )?.trim();
      if (login)
        throw new Error(
          `POST ${new URL(r.url()).pathname} answered ${r.status()} ${body} (sent ${authHeaders.join(', ')})${alert ? `; the dialog shows "${alert}"` : ''}`,
        );
      throw new Error(
        `POST ${new URL(r.url()).pathname} answered ${r.status()} ${body}; the browser ${csrf ? 'holds' : 'holds NO'} _csrf cookie and ${sentToken ? 'sent' : 'sent NO'} X-CSRF-TOKEN` +
          `${alert ? `; the dialog shows "${alert}"` : ''}` +
          (csrf
            ? ''
            : ' (over plain HTTP the ui-server must set TEMPORAL_CSRF_COOKIE_INSECURE=true, or the browser drops its Secure CSRF cookie)'),
      );
    }
    const terminatedMs = Date.now() - t0;
    step = 'waiting for the dialog to close';
    await modal.waitFor({ state: 'hidden' });
    return { loggedInMs, authHeaders, listedMs, terminatedMs };
  } catch (e) {
    let shot = '';
    if (page) {
      fs.mkdirSync(path.dirname(screenshotPath), { recursive: true });
      shot = await page.screenshot({ path: screenshotPath, fullPage: true, timeout: 10_000 }).then(
        () => ` (screenshot: ${screenshotPath})`,
        () => ' (no screenshot)',
      );
    }
    throw new Error(`Web UI in Chromium, ${step} at ${page?.url() ?? baseUrl}: ${(e as Error).message.split('\n')[0]}${shot}`, {
      cause: e,
    });
  } finally {
    await context?.close().catch(() => undefined);
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
}

/** The identity provider of a UI with OIDC login on, as the check needs it. */
export interface WebUiLogin {
  /** The provider's host (TEMPORAL_AUTH_PROVIDER_URL's) and the address it serves on: the browser maps one to the other. */
  readonly issuerHost: string;
  readonly issuerAddress: string;
  /** Tokens as the provider issues them to the UI's client: the API listing outside the browser sends them as the UI does. */
  readonly tokens: () => { accessToken: string; idToken: string };
}

/**
 * Starts a long sleepThenGreet and runs a short greet, sees both through the ui-server's API, then
 * terminates the long one in Chromium and confirms with the SDK client that it is TERMINATED.
 * @param ingress where users open the UI when its Ingress has TLS (the harness's TLS-terminating
 * stand-in for the ingress controller); the browser then maps the Ingress host to it and accepts the
 * certificate the harness issued in place of the ClusterIssuer's. @default the pod, over plain HTTP
 * @param login when the UI has OIDC login on: the browser logs in through the provider first, and the
 * API listing sends the provider's tokens (Authorization + Authorization-Extras, as the UI does).
 * @param workflowNamespace where `client` starts workflows (its pool's namespace), which the UI then
 * lists and terminates in. @default the UI's default namespace
 */
export async function checkWebUi(
  cluster: Cluster,
  web: Pod,
  client: (...argv: string[]) => Promise<any>,
  ingress?: { url: string; host: string; address: string },
  login?: WebUiLogin,
  workflowNamespace?: string,
): Promise<string> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} not found: the Web UI check needs Debian's Chromium (apt-get install chromium)`);
  }
  const { baseUrl, namespace: uiNamespace } = webUiEndpoint(web);
  const namespace = workflowNamespace || uiNamespace;
  const stamp = Date.now();
  const longId = `e2e-webui-long-${stamp}`;
  const shortId = `e2e-webui-short-${stamp}`;
  await client('start', 'sleepThenGreet', longId, 'web-ui', '600');
  try {
    const short = await client('run', 'greet', shortId, 'web-ui');
    if (short && short.ok === false) throw new Error(`greet ${shortId} did not complete: ${JSON.stringify(short).slice(0, 300)}`);

    if (login && !ingress) throw new Error('OIDC login is on but no TLS Ingress is rendered: the callback URL names the Ingress host');
    let apiHeaders: Record<string, string> = {};
    if (login) {
      const t = login.tokens();
      apiHeaders = { authorization: `Bearer ${t.accessToken}`, 'authorization-extras': t.idToken };
      // Without the tokens the ui-server must refuse.
      const r = await fetch(`${baseUrl}/api/v1/namespaces/${encodeURIComponent(namespace)}/workflows`, {
        signal: AbortSignal.timeout(10_000),
      });
      if (r.status !== 401)
        throw new Error(`GET ${baseUrl}/api/v1/namespaces/${namespace}/workflows without a token answered ${r.status}, want 401`);
    }
    const listedMs = await listViaUiApi(baseUrl, namespace, { [longId]: 'RUNNING', [shortId]: 'COMPLETED' }, 120_000, apiHeaders);

    const browserUrl = ingress?.url ?? baseUrl;
    const rules = [
      ...(ingress ? [`MAP ${ingress.host} ${ingress.address}`] : []),
      ...(login ? [`MAP ${login.issuerHost} ${login.issuerAddress}`] : []),
    ];
    const browserArgs = rules.length ? [`--host-resolver-rules=${rules.join(',')}`, '--ignore-certificate-errors'] : [];
    const b = await terminateInBrowser(
      browserUrl,
      namespace,
      longId,
      path.join(cluster.runDir, 'web-ui-failure.png'),
      90_000,
      browserArgs,
      login && { issuerOrigin: `https://${login.issuerHost}` },
    );

    let status = '';
    const t0 = Date.now();
    for (;;) {
      status = describedStatus(await client('describe', longId));
      if (status === 'TERMINATED') break;
      if (Date.now() - t0 > 20_000)
        throw new Error(`the UI answered the terminate with 200 but ${longId} is ${status || 'of unknown status'} after 20 s`);
      await sleep(1000);
    }
    const api = `${namespace} listed via ${baseUrl}/api/v1${login ? ' (401 without a token; with the ID token as Authorization-Extras)' : ''} in ${secs(listedMs)}`;
    const loggedIn = b.loggedInMs !== undefined ? `OIDC login via ${login!.issuerHost} in ${secs(b.loggedInMs)}, ` : '';
    const auth = login ? ` (with ${b.authHeaders?.join(' + ')})` : '';
    return `${api}; in Chromium at ${browserUrl} ${loggedIn}listed in ${secs(b.listedMs)}, terminated${auth} in ${secs(b.terminatedMs)}; client: TERMINATED`;
  } catch (e) {
    // Do not leave a 10-minute workflow behind when the UI could not terminate it.
    await client('terminate', longId, 'e2e web-ui check failed').catch(() => undefined);
    throw e;
  }
}
