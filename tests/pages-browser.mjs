// Pages of a publication in a real browser: Debian's Chromium, driven by
// playwright-core, at 1280 and at 390 pixels wide (a phone). For each page
// and width it saves a screenshot, and checks what a reader would see:
// the page is no wider than the screen (tables scroll inside it), and no
// column name is broken inside a word (names break only where html_name()
// put a <wbr>).
//
//   node pages-browser.mjs OUTDIR PAGE.html...
//
// Prints "ok"/"not ok" lines with what was found; exits 1 on a failure.
import path from 'node:path';
import { launch } from './chromium.mjs';

const [outdir, ...pages] = process.argv.slice(2);
if (!outdir || pages.length === 0) {
	console.error('usage: node pages-browser.mjs OUTDIR PAGE.html...');
	process.exit(2);
}
const browser = await launch();
let failed = 0;
for (const width of [1280, 390]) {
	const context = await browser.newContext({
		viewport: { width, height: width === 390 ? 844 : 900 },
		deviceScaleFactor: 1,
	});
	const page = await context.newPage();
	for (const file of pages) {
		const name = path.basename(path.dirname(path.resolve(file))) +
		    '-' + path.basename(file, '.html');
		await page.goto('file://' + path.resolve(file));
		await page.screenshot({ path: path.join(outdir,
		    `${name}-${width}.png`), fullPage: true });
		const found = await page.evaluate(() => {
			const out = { inner: window.innerWidth,
			    scroll: document.documentElement.scrollWidth,
			    broken: [] };
			// A name's segments between <wbr>: each on one line.
			const names = document.querySelectorAll(
			    '#fields th code, #rows th a');
			for (const el of names) {
				for (const node of el.childNodes) {
					if (node.nodeType !== Node.TEXT_NODE ||
					    node.textContent.length < 2)
						continue;
					const range = document.createRange();
					range.selectNodeContents(node);
					const tops = new Set([...range.getClientRects()]
					    .map((r) => Math.round(r.top)));
					if (tops.size > 1)
						out.broken.push(node.textContent);
				}
			}
			return out;
		});
		const wide = found.scroll > found.inner;
		const ok = !wide && found.broken.length === 0;
		if (!ok)
			failed = 1;
		console.log(`${ok ? 'ok' : 'not ok'} ${name} at ${width}px: ` +
		    `page ${found.scroll}px in ${found.inner}px` +
		    (found.broken.length ? `, names broken inside a word: ` +
		    found.broken.slice(0, 5).join(', ') : ''));
	}
	await context.close();
}
await browser.close();
process.exit(failed);
