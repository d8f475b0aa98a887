/*
 * The chat page in a real browser: Debian's Chromium driven by Playwright
 * (playwright-core from web/node_modules, which downloads no browser of its
 * own), against the real page, Rasa and action servers.
 *
 *   node tests/e2e/test_webchat.js <scenario>
 *
 * Environment: PAGE_URL (the chat page), RASA_URL (for the HTTP API: which
 * question is being asked, whether a turn is over), REPORT_DIR (screenshots),
 * CHROMIUM (default /usr/bin/chromium). Exit code 0 when the scenario passes.
 * axe-core (web/node_modules too) checks the pages against WCAG 2.2 A and AA.
 * tests/e2e/test_webchat.py runs each scenario under pytest.
 */
'use strict';

const fs = require('fs');
const path = require('path');
const { createRequire } = require('module');

const webRequire = createRequire(path.resolve(__dirname, '../../web/package.json'));
const { chromium } = webRequire('playwright-core');

const PAGE_URL = process.env.PAGE_URL;
const RASA_URL = process.env.RASA_URL;
const REPORT_DIR = process.env.REPORT_DIR || 'reports';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'
];
const MAX_TURNS = 10;
const OPENING = 'My feet have been numb and tingling for a while';
const DESKTOP = { width: 1000, height: 1100 };
const PHONE = { width: 390, height: 844 };
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const SUMMARY_SPOKEN = 'A summary for your clinician is ready: download it or print it.';
// What the test person answers: a quick-reply title where there is one, otherwise typed words.
const BUTTON_FOR = {
  body_part: 'Soles', laterality: 'Both feet', onset: 'Slowly', red_flag_screen: 'No', progression: 'Getting worse'
};
const TEXT_FOR = {
  body_part: 'the soles of my feet', laterality: 'both feet', onset: 'it came on gradually',
  red_flag_screen: 'no', duration: 'about a year', progression: 'it is getting worse',
  risk_factors: 'I have type 2 diabetes'
};

function check(condition, message) {
  if (!condition) throw new Error(message);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/* The conversation of the page's session: its server-issued session id without the signature. */
async function sessionId(page) {
  const issued = await page.evaluate(() => JSON.parse(localStorage.getItem('chat_session') || '{}').session_id);
  return issued ? issued.slice(0, issued.lastIndexOf('.')) : issued;
}

async function tracker(id) {
  // Rasa's HTTP API matches the id as written in the path: keep the colon of `socketio:<id>` as it is.
  const response = await fetch(`${RASA_URL}/conversations/${encodeURIComponent(id).replace(/%3A/g, ':')}/tracker`);
  check(response.ok, `tracker: HTTP ${response.status}`);
  return response.json();
}

function userTurns(state) {
  return state.events.filter((e) => e.event === 'user').length;
}

const botMessages = (page) => page.locator('.rw-from-response .rw-message');
const userMessages = (page) => page.locator('.rw-from-client .rw-message');

/* Waits until the assistant has answered turn `turns` and the page shows every message. */
async function waitForTurn(page, turns) {
  const deadline = Date.now() + 90000;
  const id = await sessionId(page);
  for (;;) {
    check(Date.now() < deadline, `the assistant did not answer turn ${turns}`);
    const state = id ? await tracker(id) : null;
    if (state && userTurns(state) >= turns && state.latest_action_name === 'action_listen') break;
    await sleep(300);
  }
  let count = -1;
  for (;;) {
    check(Date.now() < deadline, 'the page kept changing');
    const now = await botMessages(page).count();
    const typing = await page.locator('.rw-typing-indication').count();
    if (now === count && typing === 0) return;
    count = now;
    await sleep(800);
  }
}

/*
 * A new browser context on the chat page, after the greeting (or the history `storageState` restores).
 * `bypassCSP` lets axe's script in (the page's policy blocks inline scripts); the context then
 * refuses every request that does not stay on this machine, as the policy would have.
 */
async function openChat(browser, { viewport = DESKTOP, isMobile = false, bypassCSP = false, storageState } = {}) {
  const context = await browser.newContext({ viewport, isMobile, bypassCSP, storageState });
  if (bypassCSP) await context.route((url) => url.hostname !== '127.0.0.1', (route) => route.abort());
  const page = await context.newPage();
  const problems = [];
  page.on('dialog', async (dialog) => {
    problems.push(`a dialog opened: ${dialog.message()}`);
    await dialog.dismiss();
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  // Offline: nothing the page loads may come from anywhere but this machine.
  page.on('requestfinished', (request) => {
    const { protocol, hostname } = new URL(request.url());
    if (protocol !== 'data:' && hostname !== '127.0.0.1') problems.push(`loaded from elsewhere: ${request.url()}`);
  });
  page.on('console', (message) => {
    // The widget's stylesheet imports a Google font; the page's policy blocks it (no request leaves).
    const said = `${message.text()} ${message.location().url || ''}`;
    if (message.type() === 'error' && !/fonts\.googleapis\.com/.test(said)) {
      problems.push(`console error: ${message.text()}`);
    }
  });
  await page.goto(PAGE_URL);
  await page.locator('.rw-new-message').waitFor();
  await page.waitForFunction(() => document.querySelectorAll('.rw-from-response .rw-message').length > 0,
    null, { timeout: 90000 });
  await waitForTurn(page, 1);
  return { context, page, problems };
}

async function say(page, text) {
  const turns = userTurns(await tracker(await sessionId(page)));
  await page.locator('.rw-new-message').fill(text);
  await page.keyboard.press('Enter');
  await waitForTurn(page, turns + 1);
}

async function choose(page, title) {
  const turns = userTurns(await tracker(await sessionId(page)));
  await page.locator('.rw-reply', { hasText: new RegExp(`^${title}$`) }).last().click();
  await waitForTurn(page, turns + 1);
}

async function screenshot(page, name) {
  const file = path.join(REPORT_DIR, name);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`screenshot: ${file}`);
}

/* Answers the interview (a quick reply where there is one) until the assessment card shows.
   Returns how many quick replies it chose. */
async function interviewToAssessment(page) {
  await say(page, OPENING);
  let clicked = 0;
  for (let turn = 0; turn < MAX_TURNS && (await page.locator('.card--assessment').count()) === 0; turn += 1) {
    const slot = (await tracker(await sessionId(page))).slots.requested_slot;
    check(slot, 'neither a question nor an assessment');
    const title = BUTTON_FOR[slot];
    if (title && (await page.locator('.rw-reply', { hasText: new RegExp(`^${title}$`) }).count()) > 0) {
      await choose(page, title);
      clicked += 1;
    } else {
      check(TEXT_FOR[slot], `the test person has no answer to the question about ${slot}`);
      await say(page, TEXT_FOR[slot]);
    }
  }
  await page.locator('.card--assessment').last().waitFor();
  return clicked;
}

/* The last `summary` payload the assistant sent in the page's conversation, from the server's record. */
async function summaryPayload(page) {
  const events = (await tracker(await sessionId(page))).events;
  const sent = events.filter((e) => e.event === 'bot' && e.data && e.data.custom && e.data.custom.type === 'summary');
  check(sent.length > 0, 'the assistant sent no summary payload');
  return sent[sent.length - 1].data.custom;
}

/* A summary link fetched outside the browser, so that a failure on the server's side says what it was. */
async function fetchLink(url, what) {
  const response = await fetch(url);
  const body = Buffer.from(await response.arrayBuffer());
  check(response.ok, `the ${what} link answers HTTP ${response.status}: ${body.toString('utf8', 0, 300)}\n${url}`);
  return { headers: response.headers, body };
}

/* ---------------------------------------------------------------- axe-core */

let axeSource = null;

/* axe-core's WCAG 2.0/2.1/2.2 A and AA rules on the page as it is now; the page needs `bypassCSP`. */
async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    axeSource = axeSource || fs.readFileSync(webRequire.resolve('axe-core/axe.min.js'), 'utf8');
    await page.addScriptTag({ content: axeSource });
  }
  return page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } })
    .then((results) => ({
      passes: results.passes.length,
      violations: results.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length,
        targets: v.nodes.slice(0, 3).map((node) => node.target.join(' '))
      }))
    })), AXE_TAGS);
}

async function checkAxe(page, what) {
  const { passes, violations } = await axeViolations(page);
  console.log(`axe: ${what}: ${violations.length} violations (${passes} rules passed)`);
  check(violations.length === 0, `axe: ${violations.length} violations on ${what}:\n${violations.map((v) =>
    `- ${v.id} (${v.impact}): ${v.help}; ${v.nodes} element(s), e.g. ${v.targets.join(' | ')}`).join('\n')}`);
}

/* ---------------------------------------------------------------- scenarios */

async function conversationSurvivesAReload(browser) {
  const { context, page, problems } = await openChat(browser);
  check(await page.locator('.disclaimer').isVisible(), 'no disclaimer');
  const greeting = await botMessages(page).first().innerText();
  check(/not a diagnosis/i.test(greeting), `no greeting with the disclaimer: ${greeting}`);

  const clicked = await interviewToAssessment(page);
  check(clicked > 0, 'no quick reply was offered for the interview questions');
  const card = page.locator('.card--assessment').last();
  const triage = await card.locator('.triage').innerText();
  check(/Triage level:\s*(See a clinician|Self-care)/.test(triage), `triage not in words: ${triage}`);
  check((await card.locator('.causes li').count()) > 0, 'no possible causes on the card');
  check((await card.locator('.steps li').count()) > 0, 'no next steps on the card');
  check((await card.locator('.card__disclaimer').innerText()).length > 0, 'no disclaimer on the card');
  await screenshot(page, 'webchat-assessment.png');

  const before = { bot: await botMessages(page).count(), user: await userMessages(page).count() };
  const turns = userTurns(await tracker(await sessionId(page)));
  await page.reload();
  await page.locator('.card--assessment').waitFor({ timeout: 30000 });
  await sleep(2000);
  const after = { bot: await botMessages(page).count(), user: await userMessages(page).count() };
  check(after.bot === before.bot && after.user === before.user,
    `history changed on reload: ${JSON.stringify(before)} -> ${JSON.stringify(after)}`);
  check(userTurns(await tracker(await sessionId(page))) === turns, 'the reload sent a message');
  await screenshot(page, 'webchat-after-reload.png');

  await say(page, 'thank you');
  check((await botMessages(page).count()) > after.bot, 'the conversation does not go on after a reload');
  check(problems.length === 0, problems.join('\n'));
  await context.close();
}

async function clearingTheChatLeavesNoCopy(browser) {
  const { context, page, problems } = await openChat(browser);
  await say(page, OPENING);
  const old = await sessionId(page);
  check(JSON.stringify(await page.evaluate(() => ({ ...localStorage }))).includes(OPENING),
    'the browser did not keep the conversation to begin with');

  const reloaded = page.waitForEvent('load');
  await page.locator('#clear-chat').click();
  await reloaded;
  await page.waitForFunction(() => document.querySelectorAll('.rw-from-response .rw-message').length > 0,
    null, { timeout: 90000 });
  await waitForTurn(page, 1);
  check((await userMessages(page).count()) === 0, 'the earlier messages are still on the page');
  const stored = JSON.stringify(await page.evaluate(() => ({ ...localStorage })));
  check(!stored.includes(OPENING), 'the browser still keeps what the person wrote');
  const fresh = await sessionId(page);
  check(fresh && fresh !== old, `not a new conversation: ${old} -> ${fresh}`);
  check(userTurns(await tracker(old)) === 2, 'the old conversation changed on the server');

  await say(page, OPENING);
  check((await botMessages(page).count()) > 1, 'the new conversation does not go on');
  check(problems.length === 0, problems.join('\n'));
  await context.close();
}

async function emergencyIsARedNotice(browser) {
  const { context, page, problems } = await openChat(browser);
  await say(page, "I can't breathe");
  const card = page.locator('.card--emergency').last();
  await card.waitFor();
  const title = card.locator('.card__title');
  check(/Emergency/.test(await title.innerText()), 'the notice does not say Emergency in words');
  const [r, g, b] = (await title.evaluate((el) => getComputedStyle(el).backgroundColor)).match(/\d+/g).map(Number);
  check(r > 140 && g < 60 && b < 60, `the notice is not red: rgb(${r}, ${g}, ${b})`);
  check(/emergency/i.test(await card.innerText()), 'no emergency advice');
  check(/Emergency/.test(await page.locator('#alert-announcer').innerText()), 'the emergency was not announced');
  await screenshot(page, 'webchat-emergency.png');
  check(problems.length === 0, problems.join('\n'));
  await context.close();
}

async function htmlIsShownAsText(browser) {
  const { context, page, problems } = await openChat(browser);
  const attack = '<img src=x onerror=alert(1)><b>bold</b>';
  await say(page, attack);
  const shown = await userMessages(page).last().innerText();
  check(shown.trim() === attack, `the message was not shown literally: ${shown}`);
  check((await page.locator('#chat img[src="x"], #chat b').count()) === 0, 'the message became HTML');
  check(problems.length === 0, problems.join('\n'));
  await context.close();
}

/* Contrast of every piece of text in the page, against the colour behind it (WCAG 2 formula). */
function contrastProblems() {
  const channel = (c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  const rgba = (value) => (value.match(/[\d.]+/g) || [0, 0, 0, 0]).map(Number);
  const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const background = (element) => {
    for (let el = element; el; el = el.parentElement) {
      const [r, g, b, a = 1] = rgba(getComputedStyle(el).backgroundColor);
      if (a > 0.5) return [r, g, b];
    }
    return [255, 255, 255];
  };
  const problems = [];
  document.querySelectorAll('body *').forEach((el) => {
    const ownText = Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim());
    const style = getComputedStyle(el);
    if (!ownText || style.visibility === 'hidden' || el.closest('.visually-hidden, noscript, script, style')) return;
    if (!el.getClientRects().length) return;
    const [fg, bg] = [luminance(rgba(style.color)), luminance(background(el))];
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) problems.push(`${ratio.toFixed(2)}:1 "${el.textContent.trim().slice(0, 40)}"`);
  });
  return problems;
}

async function keyboardScreenReaderAndContrast(browser) {
  const { context, page, problems } = await openChat(browser);
  // Keyboard only: the message box has the focus, Enter sends.
  check(await page.evaluate(() => document.activeElement.classList.contains('rw-new-message')),
    'the message box does not have the focus');
  let turns = userTurns(await tracker(await sessionId(page)));
  await page.keyboard.type(OPENING);
  await page.keyboard.press('Enter');
  await waitForTurn(page, ++turns);
  check((await page.locator('.rw-reply').count()) > 0, 'no quick replies to reach');

  // New messages are announced, one entry each, in the live region.
  const lastBot = (await botMessages(page).last().innerText()).trim().split('\n')[0];
  const announced = await page.locator('#announcer p').allInnerTexts();
  check(announced.some((t) => t.includes(lastBot.slice(0, 30))), `not announced: ${lastBot}`);

  // Tab reaches a quick reply, Enter chooses it.
  let reply = null;
  for (let i = 0; i < 30 && !reply; i += 1) {
    await page.keyboard.press('Tab');
    reply = await page.evaluate(() => (document.activeElement.classList.contains('rw-reply')
      ? document.activeElement.textContent : null));
  }
  check(reply, 'Tab never reached a quick reply');
  await page.keyboard.press('Enter');
  await waitForTurn(page, ++turns);
  check((await userMessages(page).last().innerText()).trim() === reply.trim(), 'Enter did not choose the reply');
  check(await page.evaluate(() => document.activeElement.classList.contains('rw-new-message')),
    'the focus did not return to the message box');

  const contrast = await page.evaluate(contrastProblems);
  check(contrast.length === 0, `text below WCAG AA contrast:\n${contrast.join('\n')}`);

  // A reload shows the history without reading it out again.
  await page.reload();
  await page.locator('.rw-from-response .rw-message').first().waitFor();
  await sleep(2000);
  check((await page.locator('#announcer p').count()) === 0, 'the history was announced again after a reload');
  check(problems.length === 0, problems.join('\n'));
  await context.close();
}

async function accessibilityWithAxe(browser) {
  const desktop = await openChat(browser, { bypassCSP: true });
  await checkAxe(desktop.page, 'the chat page after the greeting (1000x1100)');
  await interviewToAssessment(desktop.page);
  const card = desktop.page.locator('.card--summary').last();
  await card.waitFor();
  await card.scrollIntoViewIfNeeded();
  await checkAxe(desktop.page, 'the chat page with an assessment and its summary card (1000x1100)');
  await screenshot(desktop.page, 'webchat-summary-card.png');

  // The same conversation on a phone: the browser's copy of it, in a context with a phone's screen.
  const phone = await openChat(browser, {
    viewport: PHONE, isMobile: true, bypassCSP: true, storageState: await desktop.context.storageState()
  });
  await phone.page.locator('.card--summary').last().waitFor({ timeout: 30000 });
  await sleep(1000);
  await phone.page.locator('.card--summary').last().scrollIntoViewIfNeeded();
  await checkAxe(phone.page, 'the chat page with the summary card (390x844)');
  await screenshot(phone.page, 'webchat-summary-card-phone.png');

  // The summary itself, as the person opens it from the card.
  const payload = await summaryPayload(desktop.page);
  await fetchLink(payload.html, 'summary page');
  const summaryPage = await desktop.context.newPage();
  const response = await summaryPage.goto(payload.html);
  check(response && response.status() === 200, `the summary page: HTTP ${response && response.status()}`);
  await checkAxe(summaryPage, 'the summary page');
  await screenshot(summaryPage, 'summary-page.png');

  const problems = desktop.problems.concat(phone.problems);
  check(problems.length === 0, problems.join('\n'));
  await phone.context.close();
  await desktop.context.close();
}

/* Presses `key` until `wanted` (an element's class) has the focus; returns the classes the focus met. */
async function tabTo(page, key, wanted, presses = 60) {
  const met = [];
  for (let i = 0; i < presses; i += 1) {
    await page.keyboard.press(key);
    const focused = await page.evaluate(() => document.activeElement.className || document.activeElement.tagName);
    met.push(String(focused));
    if (String(focused).split(/\s+/).includes(wanted)) return met;
  }
  throw new Error(`${key} from the message box never reached .${wanted}; the focus met: ${met.join(', ')}`);
}

async function summaryDownloadAndPrint(browser) {
  const { context, page, problems } = await openChat(browser);
  await interviewToAssessment(page);
  const card = page.locator('.card--summary').last();
  await card.waitFor();
  const payload = await summaryPayload(page);
  check(/^https?:/.test(payload.pdf) && /^https?:/.test(payload.html), `not web links: ${JSON.stringify(payload)}`);
  check(/A summary for your clinician/.test(await card.locator('h3').innerText()), 'the card has no heading');
  const shown = (await page.locator('#chat').innerText());
  check(!shown.includes(payload.pdf) && !shown.includes(payload.html) && !shown.includes('/summaries/'),
    'the summary links are shown as text');
  const download = card.locator('a.summary__download');
  check((await download.getAttribute('href')) === payload.pdf, 'the download link is not the PDF link');
  check((await download.getAttribute('download')) !== null, 'the download link has no download attribute');
  check((await download.innerText()).trim() === 'Download a summary for your clinician (PDF)',
    `the download link says: ${await download.innerText()}`);

  // The keyboard reaches both, from the message box, with a visible focus ring.
  await page.locator('.rw-new-message').focus();
  await tabTo(page, 'Tab', 'summary__download');
  const ring = await page.evaluate(() => {
    const style = getComputedStyle(document.activeElement);
    return { style: style.outlineStyle, width: parseFloat(style.outlineWidth) };
  });
  check(ring.style !== 'none' && ring.width >= 2, `no visible focus on the download link: ${JSON.stringify(ring)}`);
  await tabTo(page, 'Tab', 'summary__print', 1);
  check(await page.evaluate(() => document.activeElement.tagName === 'BUTTON'
    && document.activeElement.textContent === 'Print'), 'the Print control is not a button saying Print');

  // Screen readers hear that the summary is there, not its addresses.
  const announced = await page.locator('#announcer p').allInnerTexts();
  check(announced.includes(SUMMARY_SPOKEN), `the summary was not announced: ${JSON.stringify(announced)}`);
  check(!announced.some((t) => /https?:|summaries\//.test(t)), `a link was read out: ${JSON.stringify(announced)}`);

  // The link downloads the PDF, and the chat stays where it is. The link is on another origin, where
  // browsers ignore `download`: the server's `Content-Disposition: attachment` makes it a download.
  const served = await fetchLink(payload.pdf, 'PDF');
  const disposition = served.headers.get('content-disposition') || '';
  check(/^attachment/i.test(disposition), `the PDF is not served as an attachment: "${disposition}"`);
  const [file] = await Promise.all([page.waitForEvent('download', { timeout: 60000 }), download.click()]);
  const saved = await file.path();
  const head = fs.readFileSync(saved).subarray(0, 5).toString('latin1');
  check(head.startsWith('%PDF'), `the download is not a PDF: ${JSON.stringify(head)}`);
  console.log(`downloaded: ${file.suggestedFilename()} (${fs.statSync(saved).size} bytes)`);
  check(page.url() === PAGE_URL, `the chat page went away: ${page.url()}`);

  // Print opens the summary page in a new tab, which prints itself (#print), with no way back to the chat.
  const [popup] = await Promise.all([context.waitForEvent('page', { timeout: 30000 }),
    card.locator('button.summary__print').click()]);
  await popup.waitForLoadState('domcontentloaded');
  check(popup.url() === `${payload.html}#print`, `the Print button opened ${popup.url()}`);
  check(await popup.evaluate(() => window.opener === null), 'the summary page can reach the chat page (opener)');
  check(/Summary for your clinician/.test(await popup.title()), `not the summary page: ${await popup.title()}`);

  check(problems.length === 0, problems.join('\n'));
  await context.close();
}

const SCENARIOS = {
  conversation_survives_a_reload: conversationSurvivesAReload,
  clearing_the_chat_leaves_no_copy: clearingTheChatLeavesNoCopy,
  emergency_is_a_red_notice: emergencyIsARedNotice,
  html_is_shown_as_text: htmlIsShownAsText,
  keyboard_screen_reader_and_contrast: keyboardScreenReaderAndContrast,
  accessibility_with_axe: accessibilityWithAxe,
  summary_download_and_print: summaryDownloadAndPrint
};

async function main() {
  const scenario = SCENARIOS[process.argv[2]];
  check(scenario, `usage: node test_webchat.js <${Object.keys(SCENARIOS).join('|')}>`);
  check(PAGE_URL && RASA_URL, 'PAGE_URL and RASA_URL must be set');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  try {
    await scenario(browser);
  } finally {
    await browser.close();
  }
  console.log(`passed: ${process.argv[2]}`);
}

main().catch((error) => {
  console.error(error.stack || String(error));
  process.exit(1);
});
