// Browser end-to-end test of the dashboard (issue 9), run by tests/e2e/dashboard_browser_httptest.cpp
// against a server it started with the demo data: Debian's headless Chromium, driven by
// playwright-core (tools/package.json). Signs in as leadership on /login, checks the tiles
// show the numbers the API returns, a chart was drawn, "<11" is visible in the victims panel,
// the as_of time and the definitions on hover; saves a screenshot; and checks that a DDA and
// an advocate cannot open the page. Exits non-zero on the first failed check.
//
// Environment: HEATWATCH_E2E_PORT, HEATWATCH_E2E_PASSWORD (of leadership1, dda1, advocate1),
// HEATWATCH_SOURCE_DIR (to find tools/node_modules), HEATWATCH_E2E_OUT (screenshot folder),
// HEATWATCH_CHROMIUM (default /usr/bin/chromium).
import { createRequire } from "node:module";
import assert from "node:assert/strict";
import path from "node:path";

const require = createRequire(path.join(process.env.HEATWATCH_SOURCE_DIR, "tools", "package.json"));
const { chromium } = require("playwright-core");

const port = process.env.HEATWATCH_E2E_PORT;
const password = process.env.HEATWATCH_E2E_PASSWORD;
const outDir = process.env.HEATWATCH_E2E_OUT || ".";
const base = `http://127.0.0.1:${port}`;

async function api(token, target) {
  const r = await fetch(base + target, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(r.status, 200, `${target}: ${r.status}`);
  return r.json();
}

async function token(username) {
  const r = await fetch(base + "/api/v1/auth/login", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  assert.equal(r.status, 200, `sign-in of ${username}`);
  return (await r.json()).token;
}

async function signIn(browser, username) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const problems = [];
  page.on("console", (m) => { if (m.type() === "error") problems.push(m.text()); });
  page.on("pageerror", (e) => problems.push(String(e)));
  // Without a session the dashboard sends the browser to the sign-in page.
  await page.goto(base + "/dashboard");
  assert.match(new URL(page.url()).pathname, /^\/login$/, "redirected to /login");
  await page.fill("#username", username);
  await page.fill("#password", password);
  const navigation = page.waitForNavigation({ url: /\/dashboard$/ });
  await page.click("#sign-in");
  const response = await navigation;
  return { context, page, problems, status: response ? response.status() : 0 };
}

const browser = await chromium.launch({
  executablePath: process.env.HEATWATCH_CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
});
try {
  const leaderToken = await token("leadership1");
  const metrics = await api(leaderToken, "/api/v1/metrics/prosecutions?group_by=quarter");
  const victims = await api(leaderToken, "/api/v1/metrics/victims");

  const { context, page, problems, status } = await signIn(browser, "leadership1");
  assert.equal(status, 200, "dashboard status for leadership");
  await page.waitForSelector("body[data-charts-ready='true']", { timeout: 15000 });

  // Headline tiles: the same numbers as the API.
  const integer = (n) => Number(n).toLocaleString("en-US");
  for (const id of ["charged", "pending", "concluded", "convicted"]) {
    const text = (await page.textContent(`#tile-${id}`)).trim();
    assert.equal(text, integer(metrics[id]), `tile ${id}`);
    assert.equal(await page.getAttribute(`#tile-${id}`, "data-value"), String(metrics[id]), `tile ${id} value`);
  }
  const rate = metrics.conviction_rate;
  assert.ok(rate !== null && rate > 0 && rate <= 1, "the demo has a conviction rate");
  assert.equal((await page.textContent("#tile-conviction_rate")).trim(), (rate * 100).toFixed(1) + "%", "rate tile");
  assert.equal(await page.getAttribute("#tile-conviction_rate", "data-value"), String(rate));

  // The as_of time (the server's clock is pinned, so page and API agree).
  assert.equal(await page.getAttribute("#as-of", "datetime"), metrics.as_of, "as_of");
  assert.ok((await page.textContent("#as-of")).trim().length > 0, "as_of shown");

  // Definitions on hover.
  const title = await page.getAttribute(".tile[data-metric='conviction_rate']", "title");
  assert.ok(title && title.includes("convicted ÷ concluded"), `rate definition on hover: ${title}`);

  // A chart was drawn: the quarter trend's canvas has painted pixels.
  const painted = await page.evaluate(() => {
    const c = document.getElementById("chart-quarter");
    const data = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) n++;
    return { width: c.width, height: c.height, n };
  });
  assert.ok(painted.width > 100 && painted.height > 100 && painted.n > 1000, `chart drawn: ${JSON.stringify(painted)}`);
  const quarters = await page.$$eval("#table-quarter tbody tr", (rows) => rows.length);
  assert.equal(quarters, metrics.groups.length, "one row per quarter");

  // The victims panel shows suppression as "<11".
  assert.ok(JSON.stringify(victims).includes('"<11"'), "the API suppresses some victim count");
  const small = page.locator("#victims").getByText("<11", { exact: true }).first();
  assert.ok(await small.isVisible(), '"<11" visible in the victims panel');
  assert.equal((await page.textContent("#tile-victims_served")).trim(),
               typeof victims.victims_served === "number" ? integer(victims.victims_served) : victims.victims_served);

  assert.deepEqual(problems, [], "no console errors (CSP violations, script errors)");
  await page.screenshot({ path: path.join(outDir, "dashboard-e2e.png"), fullPage: true });
  await context.close();

  // A DDA and an advocate sign in, but the dashboard refuses them.
  for (const user of ["dda1", "advocate1"]) {
    const other = await signIn(browser, user);
    assert.equal(other.status, 403, `dashboard status for ${user}`);
    assert.equal(await other.page.locator("#tile-charged").count(), 0, `${user} sees no tiles`);
    await other.context.close();
  }
  console.log(`dashboard e2e: ok (charged ${metrics.charged}, rate ${rate}); screenshot in ${outDir}`);
} finally {
  await browser.close();
}
