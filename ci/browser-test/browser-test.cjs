// The browser test: the built book, served on 127.0.0.1, driven in headless Chromium.
//
//   node ci/browser-test/browser-test.cjs BOOK_DIR OUT_DIR
//
// Run by `ci/book test` (xtask's `browser_test`), which installs the pinned playwright-core
// (ci/tools.toml) and passes its directory in WASI_BOOK_PLAYWRIGHT, and Debian's chromium in
// WASI_BOOK_CHROMIUM. Prints one `problem: …` line per failed check, a `checked: …` line per
// check, writes screenshots to OUT_DIR, and exits 1 when anything failed.
"use strict";

const fs = require("node:fs");
const http = require("node:http");
const path = require("node:path");

const [bookDir, outDir] = process.argv.slice(2);
const { chromium } = require(process.env.WASI_BOOK_PLAYWRIGHT);
const executablePath = process.env.WASI_BOOK_CHROMIUM || "/usr/bin/chromium";

// A term that only a later chapter contains (the test also checks that the first page
// does not): search must find that chapter.
const SEARCH_TERM = "mio";
const SEARCH_PAGE = "limits-tokio.html";
// Screenshots: a chapter with a diagram (in a light and a dark theme) and the benchmark's.
const DIAGRAM_PAGE = "reactor-what.html";
const BENCHMARK_PAGE = "reactor-bench.html";
// The window the book is read in; no code block may need sideways scrolling at this width
// (commands and output fold, by the theme's CSS; code is kept within rustfmt.toml's width).
const VIEWPORT = { width: 1280, height: 900 };

const problems = [];
const problem = (text) => {
    problems.push(text);
    console.log(`problem: ${text}`);
};
// Said of a check once it ran: `checked` when it added no problem since `since`; with the
// seconds since the previous check ended (where the test's time goes).
let lastCheck = Date.now();
const checked = (text, since = problems.length) => {
    const seconds = Math.round((Date.now() - lastCheck) / 1000);
    lastCheck = Date.now();
    console.log(`${problems.length > since ? "FAILED" : "checked"}: ${text} (${seconds} s)`);
};

const TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript",
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".json": "application/json",
    ".gz": "application/gzip",
};

// A static server for BOOK_DIR on 127.0.0.1 (any free port), with the book's 404 page for
// a missing file, as GitHub Pages serves it.
function serve(root) {
    const server = http.createServer((req, res) => {
        let rel = decodeURIComponent(new URL(req.url, "http://127.0.0.1").pathname);
        if (rel.endsWith("/")) rel += "index.html";
        const file = path.join(root, path.normalize(rel));
        if (!file.startsWith(root) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
            res.writeHead(404, { "content-type": TYPES[".html"] });
            res.end(fs.readFileSync(path.join(root, "404.html")));
            return;
        }
        res.writeHead(200, { "content-type": TYPES[path.extname(file)] || "application/octet-stream" });
        res.end(fs.readFileSync(file));
    });
    return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

async function main() {
    const root = path.resolve(bookDir);
    fs.mkdirSync(outDir, { recursive: true });
    const server = await serve(root);
    const origin = `http://127.0.0.1:${server.address().port}`;
    const browser = await chromium.launch({
        executablePath,
        // Flags for a machine without a network or a GPU: no sandbox (root in CI), and none of
        // Chromium's own connections to Google's services.
        args: [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
        timeout: 60_000,
    });
    // Debian's package, not pinned by the project: the run says which one it drove.
    console.log(`checked: driving Chromium ${browser.version()} (${executablePath})`);
    try {
        const context = await browser.newContext({ viewport: VIEWPORT });
        await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin });
        // Every request must stay on 127.0.0.1: anything else is named and refused.
        await context.route("**/*", (route) => {
            const url = new URL(route.request().url());
            if (url.hostname === "127.0.0.1") return route.continue();
            problem(`${route.request().frame().url()}: a request leaves 127.0.0.1: ${url.href}`);
            return route.abort();
        });
        // WASI_BOOK_BROWSER_ONLY=run-buttons: only the Run buttons, on a page that is not the
        // book (`cargo xtask check LISTING` builds one with a listing's buttons alone).
        if (process.env.WASI_BOOK_BROWSER_ONLY === "run-buttons") {
            await runButtons(context, root, origin);
        } else {
            await everyPage(context, root, origin);
            await redirects(context, root, origin);
            await search(context, origin);
            await themeAndSidebar(context, origin);
            await copyExamples(context, origin);
            await runButtons(context, root, origin);
            await notFound(context, origin);
            await screenshots(context, origin);
        }
    } finally {
        await browser.close();
        server.close();
    }
    console.log(`${problems.length} problem(s)`);
    process.exit(problems.length ? 1 : 0);
}

// Opens a page and collects its console errors, uncaught exceptions and failed requests.
// With `capturingCopies`, what the page's scripts hand to navigator.clipboard.writeText is also
// kept in the page (`pressCopy` reads it there), so pages can be checked side by side.
async function open(context, url, { expectStatus = 200, capturingCopies = false } = {}) {
    const page = await context.newPage();
    const errors = [];
    page.on("console", (m) => {
        // The 404 page's own status is reported as a console error; it is expected there.
        const own = m.location().url === url && expectStatus !== 200;
        if (m.type() === "error" && !own) errors.push(`console error: ${m.text()}`);
    });
    page.on("pageerror", (e) => errors.push(`uncaught: ${e.message}`));
    page.on("requestfailed", (r) => errors.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
    page.on("response", (r) => {
        if (r.url() !== url && r.status() >= 400) errors.push(`${r.status()} for ${r.url()}`);
    });
    // print.html opens the print dialog on load; in a test it would only wait.
    await page.addInitScript(() => {
        window.print = () => {};
    });
    if (capturingCopies) {
        await page.addInitScript(() => {
            const write = navigator.clipboard.writeText.bind(navigator.clipboard);
            // Kept only once the clipboard took it: a failed copy is not a copy.
            navigator.clipboard.writeText = (text) =>
                write(text).then(() => {
                    window.__copied = text;
                });
        });
    }
    const response = await page.goto(url, { waitUntil: "load" });
    if (response.status() !== expectStatus) {
        errors.push(`status ${response.status()}, expected ${expectStatus}`);
    }
    return { page, errors };
}

// The book's pages, without the redirects mdBook writes for pages that moved (book.toml's
// `output.html.redirect`): those are checked by `redirects`.
const isRedirect = (root, f) => fs.readFileSync(path.join(root, f), "utf8").includes('http-equiv="refresh"');
function contentPages(root) {
    return fs.readdirSync(root).filter((f) => f.endsWith(".html") && !isRedirect(root, f));
}

// Every page that moved still answers at its old address: it leads to a page of the book that
// loads, at the anchor book.toml names.
async function redirects(context, root, origin) {
    const since = problems.length;
    const moved = fs.readdirSync(root).filter((f) => f.endsWith(".html") && isRedirect(root, f));
    for (const name of moved) {
        const page = await context.newPage();
        await page.goto(`${origin}/${name}`, { waitUntil: "load" });
        try {
            await page.waitForURL((u) => !u.pathname.endsWith(`/${name}`), { timeout: 10_000 });
        } catch {
            problem(`${name}: the redirect did not lead anywhere within 10 s`);
        }
        const landed = new URL(page.url());
        const target = path.basename(landed.pathname);
        if (!fs.existsSync(path.join(root, target)) || target === "404.html") {
            problem(`${name}: redirects to ${landed.pathname}, which is not a page of the book`);
        } else if (landed.hash && !(await page.$(`[id="${decodeURIComponent(landed.hash.slice(1))}"]`))) {
            problem(`${name}: redirects to ${target}${landed.hash}, an anchor that page does not have`);
        }
        await page.close();
    }
    checked(`${moved.length} moved pages lead to where their content is now`, since);
}

async function everyPage(context, root, origin) {
    const pages = contentPages(root).filter((f) => f !== "404.html");
    let transcripts = 0;
    const since = problems.length;
    // Three pages at a time, each copy read from its own page (`capturingCopies`), since the
    // system clipboard is one for all pages; `copyExamples` reads the system clipboard.
    await inParallel(pages, 3, async (name) => {
        const { page, errors } = await open(context, `${origin}/${name}`, { capturingCopies: true });
        // Every image loaded (an SVG that fails to parse has no natural width).
        const broken = await page.$$eval("img", (imgs) =>
            imgs.filter((i) => !i.complete || i.naturalWidth === 0).map((i) => i.getAttribute("src")),
        );
        for (const src of broken) errors.push(`image does not load: ${src}`);
        // No code block scrolls sideways at the reading width.
        const wide = await page.$$eval("pre > code", (codes) =>
            codes
                .filter((c) => c.scrollWidth > c.clientWidth + 1)
                .map((c) => `${c.innerText.split("\n")[0].slice(0, 60)}… (${c.scrollWidth} > ${c.clientWidth} px)`),
        );
        for (const w of wide) errors.push(`a code block scrolls sideways at ${VIEWPORT.width} px: ${w}`);
        // print.html repeats every chapter's blocks.
        if (name !== "print.html") {
            const pressed = await copyTranscripts(page, errors);
            transcripts += pressed; // after the await: pages run side by side
        }
        for (const e of errors) problem(`${name}: ${e}`);
        await page.close();
    });
    checked(`${pages.length} pages load with no console error, failed request or broken image, and no code block scrolls sideways; ${transcripts} transcripts' copy buttons copy their commands, without prompt or output`, since);
}

async function search(context, origin) {
    const { page, errors } = await open(context, `${origin}/index.html`);
    const firstPageText = await page.innerText("main");
    if (new RegExp(`\\b${SEARCH_TERM}\\b`, "i").test(firstPageText)) {
        errors.push(`the first page contains "${SEARCH_TERM}": choose a term only a later chapter has`);
    }
    await page.click("#search-toggle");
    // Typed key by key: mdBook searches on key-up.
    await page.locator("#searchbar").pressSequentially(SEARCH_TERM, { delay: 50 });
    try {
        await page.waitForSelector(`#searchresults a[href*="${SEARCH_PAGE}"]`, { timeout: 10_000 });
        checked(`search finds "${SEARCH_TERM}" in ${SEARCH_PAGE}`);
    } catch {
        const found = await page.$$eval("#searchresults a", (as) => as.map((a) => a.getAttribute("href")));
        errors.push(`search for "${SEARCH_TERM}" does not list ${SEARCH_PAGE} (found: ${found.join(", ") || "nothing"})`);
    }
    for (const e of errors) problem(`search: ${e}`);
    await page.close();
}

async function themeAndSidebar(context, origin) {
    const { page, errors } = await open(context, `${origin}/${DIAGRAM_PAGE}`);
    const htmlClass = () => page.evaluate(() => document.documentElement.className);
    for (const theme of ["coal", "light"]) {
        if (!(await page.isVisible("#theme-list"))) await page.click("#theme-toggle");
        await page.click(`#theme-list #${theme}`);
        const classes = await htmlClass();
        if (!classes.split(" ").includes(theme)) errors.push(`the theme toggle did not switch to ${theme} (html class: "${classes}")`);
    }
    const visible = async () => (await htmlClass()).includes("sidebar-visible");
    const before = await visible();
    await page.click("#sidebar-toggle");
    const after = await visible();
    if (before === after) errors.push(`the sidebar toggle did not change the sidebar (visible: ${before})`);
    await page.click("#sidebar-toggle");
    // A sidebar link leads to its chapter.
    await page.click('#sidebar a[href$="files.html"]');
    await page.waitForURL(/files\.html$/, { timeout: 10_000 }).catch(() => errors.push("the sidebar link to files.html does not lead there"));
    for (const e of errors) problem(`theme and sidebar: ${e}`);
    if (!errors.length) checked("the theme toggle switches themes, the sidebar hides and shows, its links lead to their chapters");
    await page.close();
}

// A transcript's copy button copies its `$` commands without the prompt and without output.
// Pressed on every transcript of a page; returns how many it pressed.
async function copyTranscripts(page, errors) {
    let pressed = 0;
    const blocks = await page.$$("pre:has(> code.language-console)");
    for (const [i, pre] of blocks.entries()) {
        const text = await pre.$eval("code", (c) => c.innerText);
        const lines = text.split("\n");
        // The block's commands, each with the lines it continues onto, unfolded.
        const expected = [];
        for (const [n, line] of lines.entries()) {
            if (!line.startsWith("$ ")) continue;
            let command = line.slice(2);
            const rest = lines.slice(n + 1);
            while (command.endsWith("\\") && rest.length) {
                command = command.slice(0, -1).trimEnd() + " " + rest.shift().trim();
            }
            expected.push(command);
        }
        if (!expected.length) continue;
        const copied = await pressCopy(page, pre, { mouse: false });
        const unfolded = copied.replace(/ \\\n\s+/g, " ").trimEnd().split("\n");
        const where = `transcript ${i + 1} ("${expected[0].slice(0, 50)}…")`;
        if (copied.split("\n").some((l) => l.startsWith("$ "))) errors.push(`copy: ${where}: the copy keeps the \`$ \` prompt`);
        if (JSON.stringify(unfolded) !== JSON.stringify(expected)) {
            errors.push(`copy: ${where}: copied ${JSON.stringify(copied)}, expected the commands ${JSON.stringify(expected)}`);
        }
        pressed++;
    }
    return pressed;
}

// Presses a code block's copy button and returns what it put on the clipboard (on a page
// opened with `capturingCopies`, what it handed to the clipboard there). With `mouse`, as a
// reader does: hovering shows the button, which Playwright clicks once it is visible and
// still; without, a click event on the button, which is quicker on a page of many transcripts.
async function pressCopy(page, pre, { mouse = true } = {}) {
    await page.evaluate(async () => {
        await navigator.clipboard.writeText("");
        window.__copied = undefined;
    });
    const button = await pre.$(".clip-button");
    if (mouse) {
        await pre.hover();
        await button.click();
    } else {
        await button.evaluate((b) => b.click());
    }
    await page.waitForFunction((b) => b.className.includes("tooltipped"), button, { timeout: 5_000 });
    // The button's tooltip says whether the copy worked ("Clipboard error!" otherwise).
    const said = await button.evaluate((b) => b.firstChild?.innerText ?? "");
    if (said !== "Copied!") return `(the button said ${JSON.stringify(said)})`;
    return page.evaluate(() => window.__copied ?? navigator.clipboard.readText());
}

// The first transcript of "Arguments and environment" (a build, then `wasmtime run` with a
// long line folded), whose copy must be its two commands and none of the output; and a plain
// command block (`sh`) of "Hello, WASI", which mdBook's own button copies as it is.
async function copyExamples(context, origin) {
    const { page, errors } = await open(context, `${origin}/args-env.html`);
    const transcript = await page.$("pre:has(> code.language-console)");
    const copied = await pressCopy(page, transcript);
    const text = await transcript.$eval("code", (c) => c.innerText);
    const commands = text
        .split("\n")
        .filter((l) => l.startsWith("$ "))
        .map((l) => l.slice(2));
    const unfolded = copied.replace(/ \\\n\s+/g, " ").trim().split("\n");
    const want = ["cargo build -q -p args-env --target wasm32-wasip1", "wasmtime run "];
    const ok =
        unfolded.length === 2 &&
        unfolded.every((c, i) => c.startsWith(want[i])) &&
        !copied.includes("argv[") &&
        commands.length === 2;
    if (!ok) errors.push(`the first transcript copied ${JSON.stringify(copied)}, not its build and wasmtime commands`);
    for (const e of errors) problem(`args-env.html: copy: ${e}`);
    await page.close();
    const hello = await open(context, `${origin}/hello-wasi.html`);
    const sh = await hello.page.$("pre:has(> code.language-sh)");
    const shCopied = await pressCopy(hello.page, sh);
    const shText = await sh.$eval("code", (c) => c.innerText);
    if (shCopied.trim() !== shText.trim()) hello.errors.push(`an sh block copied ${JSON.stringify(shCopied)}, not its text`);
    for (const e of hello.errors) problem(`hello-wasi.html: copy: ${e}`);
    if (!errors.length && !hello.errors.length) {
        checked("args-env.html's first transcript copies its two commands without their output; an sh block of hello-wasi.html copies as it is");
    }
    await hello.page.close();
}

// Calls `fn` on every item, at most `n` at a time.
async function inParallel(items, n, fn) {
    const queue = [...items];
    const worker = async () => {
        while (queue.length) await fn(queue.shift());
    };
    await Promise.all(Array.from({ length: n }, worker));
}

// What Wasmtime printed for a run: its transcript after the `$` line, up to the exit status
// line, without the book runner's own diagnostic (`error: target/….wasm: trapped: …`, which
// the browser reports in its own words, apart from the output), with the run's redactions
// already applied (transcripts are recorded redacted); and its exit status.
function recorded(spec) {
    const text = fs.readFileSync(path.join(__dirname, "../..", spec.transcript), "utf8");
    const lines = text.split("\n");
    // The first line is the command; a non-zero status ends the transcript as `$ echo $?`, N.
    const status = lines.lastIndexOf("$ echo $?");
    const body = (status === -1 ? lines.slice(1, -1) : lines.slice(1, status)).filter(
        (l) => !/^error: target\/\S+\.wasm: /.test(l),
    );
    return { output: body.length ? body.join("\n") + "\n" : "", code: status === -1 ? 0 : Number(lines[status + 1]) };
}

// The run's redactions, the book's Rust patterns read as JavaScript ones: those the command
// listings use are written in the syntax both share.
function redacted(spec, text) {
    return spec.redact.reduce((t, [pattern, replacement]) => t.replace(new RegExp(pattern, "g"), replacement), text);
}

// How the browser's run differs from Wasmtime's, in words generated from what differs; or
// "same".
function verdict(spec, got) {
    const want = recorded(spec);
    const output = redacted(spec, got.output);
    const how = [];
    if (output !== want.output) {
        const a = want.output.split("\n");
        const b = output.split("\n");
        let i = 0;
        while (i < Math.max(a.length, b.length) && a[i] === b[i]) i++;
        const line = (l) => (l === undefined ? "nothing" : JSON.stringify(l.length > 70 ? l.slice(0, 70) + "…" : l));
        how.push(`line ${i + 1} of its output is ${line(b[i])} where Wasmtime's is ${line(a[i])}`);
    }
    if (String(want.code) !== got.code) how.push(`it exits with status ${got.code}, not ${want.code}`);
    return how.length ? how.join("; ") : "same";
}

// A digest of everything a run printed and its status, so that a run recorded as differing
// fails the test when any of it changes, not only the line the sentence names.
const digest = (spec, got) =>
    require("node:crypto").createHash("sha256").update(`${redacted(spec, got.output)}\n${got.code}`).digest("hex").slice(0, 16);

// Presses a page's Run button and waits for its run: what the run printed, compared with its
// transcript, beside what the page says; or why it did not finish.
async function press(page, box) {
    const spec = JSON.parse(await box.getAttribute("data-run"));
    const expect = await box.getAttribute("data-expect");
    const expectHash = (await box.getAttribute("data-expect-digest")) ?? "";
    await box.$eval(".run-here-button", (b) => b.click());
    try {
        await page.waitForFunction((b) => b.dataset.code !== undefined, box, { timeout: 30_000 });
    } catch {
        return { spec, error: `${spec.key}: the Run button did not finish within 30 s` };
    }
    const got = await box.evaluate((b) => ({ output: b.dataset.output, code: b.dataset.code }));
    const now = verdict(spec, got);
    const hash = now === "same" ? "" : digest(spec, got);
    const agrees = now === expect && hash === expectHash;
    const disagreement =
        `${spec.key}: the page says ${JSON.stringify(expect)}, the browser test saw ${JSON.stringify(now)}; ` +
        "if that is right, record it with `cargo xtask portability --bless` and rebuild";
    return { spec, now, hash, agrees, disagreement };
}

// Presses every Run button of every page, compares what ran in the browser with the run's
// transcript, and checks that the page says so (its data-expect, from
// ci/browser-portability.toml). Writes what it saw as OUT_DIR/browser-portability.toml.
//
// A run that disagrees with its page is pressed once more, with no other page open: a run that
// times something (the clocks listing's sleep, which returns at once in the browser) can
// differ when other pages load the machine. It fails only if it disagrees again, and the
// output says which runs needed the second press.
async function runButtons(context, root, origin) {
    const since = problems.length;
    const seen = new Map();
    const again = [];
    const pages = contentPages(root).filter((f) => !["404.html", "print.html"].includes(f));
    // Three pages at a time: a run mostly waits on compiling its module.
    await inParallel(pages, 3, async (name) => {
        const { page, errors } = await open(context, `${origin}/${name}`);
        for (const box of await page.$$(".run-here")) {
            const run = await press(page, box);
            if (run.error) {
                errors.push(run.error);
                continue;
            }
            seen.set(run.spec.key, [run.now, run.hash]);
            if (!run.agrees) again.push({ name, key: run.spec.key, first: run.now });
        }
        for (const e of errors) problem(`${name}: Run it here: ${e}`);
        await page.close();
    });
    const alone = [];
    for (const { name, key, first } of again) {
        const { page, errors } = await open(context, `${origin}/${name}`);
        for (const box of await page.$$(".run-here")) {
            if (JSON.parse(await box.getAttribute("data-run")).key !== key) continue;
            const run = await press(page, box);
            if (run.error) {
                errors.push(run.error);
            } else {
                seen.set(key, [run.now, run.hash]);
                if (run.agrees) alone.push(`${key} (beside other pages it saw ${JSON.stringify(first)})`);
                else errors.push(run.disagreement);
            }
        }
        for (const e of errors) problem(`${name}: Run it here: ${e}`);
        await page.close();
    }
    if (seen.size === 0) problem("Run it here: no page has a Run button (the build wrote none)");
    const toml = [...seen.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(
            ([k, [v, hash]]) =>
                `[${JSON.stringify(k)}]\nbrowser = ${JSON.stringify(v)}\n` + (hash ? `digest = ${JSON.stringify(hash)}\n` : ""),
        )
        .join("\n");
    fs.writeFileSync(
        path.join(outDir, "browser-portability.toml"),
        "# What the browser test saw when it pressed every Run button: `same` as Wasmtime's transcript\n" +
            "# (after the run's redactions), or how it differs, with a digest of all it printed and its\n" +
            "# exit status. Written by ci/browser-test; recorded with\n" +
            "# `cargo xtask portability --bless`; the pages and the portability appendix say what it says.\n\n" +
            toml,
    );
    const pressedAgain = alone.length ? `; agreed when pressed again alone: ${alone.join(", ")}` : "";
    checked(
        `${seen.size} Run buttons pressed; each run's browser output and exit status agree with what its page says${pressedAgain}`,
        since,
    );
}

async function notFound(context, origin) {
    const { page, errors } = await open(context, `${origin}/no-such-page.html`, { expectStatus: 404 });
    const text = await page.innerText("main");
    if (!/not found/i.test(text)) errors.push(`the 404 page does not say the page was not found: ${JSON.stringify(text.slice(0, 80))}`);
    // Its links lead back into the book.
    const home = await page.$$eval("main a", (as) => as.map((a) => a.href));
    if (!home.some((h) => h.startsWith(origin))) errors.push("the 404 page has no link back into the book");
    for (const e of errors) problem(`404 page: ${e}`);
    if (!errors.length) checked("a missing page gets the book's 404 page, styled, with a way back");
    await page.close();
}

async function screenshots(context, origin) {
    // [page, theme, what to scroll to, file]
    const shots = [
        [DIAGRAM_PAGE, "light", "main img", "diagram-light.png"],
        [DIAGRAM_PAGE, "coal", "main img", "diagram-dark.png"],
        [BENCHMARK_PAGE, "light", "main table", "benchmark.png"],
        [BENCHMARK_PAGE, "coal", "main table", "benchmark-dark.png"],
    ];
    for (const [name, theme, selector, file] of shots) {
        const { page } = await open(context, `${origin}/${name}`);
        await page.evaluate((t) => localStorage.setItem("mdbook-theme", t), theme);
        await page.reload({ waitUntil: "load" });
        const element = await page.$(selector);
        if (!element) {
            problem(`${name}: nothing matches "${selector}" to take ${file} of`);
        } else {
            await element.evaluate((e) => e.scrollIntoView({ block: "start" }));
            await page.evaluate(() => window.scrollBy(0, -60));
            await page.screenshot({ path: path.join(outDir, file) });
        }
        await page.evaluate(() => localStorage.removeItem("mdbook-theme"));
        await page.close();
    }
    checked(`screenshots in ${outDir}: ${shots.map((s) => s[3]).join(", ")}`);
}

main().catch((e) => {
    console.log(`problem: the browser test stopped: ${e.stack || e}`);
    process.exit(1);
});
